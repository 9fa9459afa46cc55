function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "cm-download";
  const status = document.createElement("span");
  status.className = "cm-download-status";
  status.setAttribute("role", "status");
  function draw() {
    const busy = model.get("busy");
    button.textContent = busy ? model.get("busy_label") : model.get("label");
    button.disabled = busy;
    button.title = model.get("description") || "";
    status.textContent = model.get("error") || "";
  }
  button.addEventListener("click", () => {
    model.set("busy", true);
    model.set("error", "");
    model.save_changes();
    model.send({ event: "request" });
  });
  model.on("msg:custom", (content, buffers) => {
    if (content && content.event === "file") saveFile(content, buffers);
  });
  for (const name of ["label", "busy_label", "busy", "error", "description"]) model.on(`change:${name}`, draw);
  draw();
  el.classList.add("cm-download-host");
  el.append(button, status);
}
export default { render };
