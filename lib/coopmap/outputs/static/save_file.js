function saveFile(content, buffers) {
  const data = buffers && buffers.length ? buffers[0] : new Uint8Array();
  const blob = new Blob([data], { type: content.mime || "application/octet-stream" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = content.name || "download";
  link.style.display = "none";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
