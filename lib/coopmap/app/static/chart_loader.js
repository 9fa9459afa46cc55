const bundle = await import(new URL(BUNDLE_URL, window.location.href).href);
export default bundle.default;
