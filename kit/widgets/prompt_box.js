// The prompt box: a real, labelled <textarea> where Enter runs and Shift+Enter adds a new line.
// ipywidgets' Textarea cannot tell the two apart, so this small anywidget does it.
// Python side: kit/widgets/prompt_box.py (traits `value`, `submitted`, `label`, `aria_label`, `help`, ...);
// every word shown here comes from Python, in the learner's language.

let counter = 0;

function isSubmit(event) {
  // Enter alone runs. While a pinyin/IME composition is open, Enter picks the characters instead.
  return event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey &&
    !event.isComposing && event.keyCode !== 229;
}

function insertNewline(area) {
  // Inside a notebook output, JupyterLab cancels the browser's own Shift+Enter line break
  // (measured in JupyterLab 4.6), so insert it here; execCommand keeps Ctrl+Z working.
  if (!(document.execCommand && document.execCommand("insertText", false, "\n"))) {
    area.setRangeText("\n", area.selectionStart, area.selectionEnd, "end");
  }
}

function render({ model, el }) {
  counter += 1;
  const id = `kit-prompt-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  el.classList.add("kit-prompt-box");
  // JupyterLab 4 (Lumino 2) leaves keys typed here alone: Shift+Enter must not run the notebook cell.
  el.setAttribute("data-lm-suppress-shortcuts", "true");

  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = "kit-prompt-label";
  label.textContent = model.get("label");

  const area = document.createElement("textarea");
  area.id = id;
  area.className = "kit-prompt";
  area.rows = model.get("rows");
  area.value = model.get("value");
  area.placeholder = model.get("placeholder");
  area.spellcheck = false;
  area.setAttribute("aria-label", model.get("aria_label"));

  const help = document.createElement("div");
  help.id = `${id}-help`;
  help.className = "kit-prompt-help";
  help.textContent = model.get("help"); // in the learner's language, from Python
  area.setAttribute("aria-describedby", help.id);

  const sync = () => {
    if (model.get("value") !== area.value) {
      model.set("value", area.value);
      model.save_changes();
    }
  };
  area.addEventListener("input", sync);
  area.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.stopPropagation(); // neither Enter nor Shift+Enter reaches the notebook's own shortcuts
    if (event.isComposing || event.keyCode === 229) return; // the IME is still picking characters
    event.preventDefault();
    if (!isSubmit(event)) {
      if (event.shiftKey) {
        insertNewline(area);
        sync();
      }
      return;
    }
    if (model.get("disabled")) return;
    model.set("value", area.value);
    model.set("submitted", model.get("submitted") + 1);
    model.save_changes();
  });

  const onValue = () => {
    if (area.value !== model.get("value")) area.value = model.get("value");
  };
  const onDisabled = () => { area.disabled = model.get("disabled"); };
  const onLabel = () => { label.textContent = model.get("label"); };
  model.on("change:value", onValue);
  model.on("change:disabled", onDisabled);
  model.on("change:label", onLabel);
  onDisabled();

  el.append(label, area, help);
  return () => {
    model.off("change:value", onValue);
    model.off("change:disabled", onDisabled);
    model.off("change:label", onLabel);
  };
}

export default { render };
