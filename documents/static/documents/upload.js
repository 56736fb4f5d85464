// Uploads with progress: each file is sent as its own request body, so that the page can show
// how far each one has gone. Without this script the same form posts multipart data.

const csrfToken = (form) => form.querySelector("input[name=csrfmiddlewaretoken]").value;

function listItem(list, file) {
  const item = document.createElement("li");
  const name = document.createElement("span");
  name.className = "upload-name";
  name.textContent = file.name;
  const progress = document.createElement("progress");
  progress.max = 100;
  progress.value = 0;
  progress.setAttribute("aria-label", file.name);
  const status = document.createElement("span");
  status.className = "upload-status";
  item.append(name, " ", progress, " ", status);
  list.append(item);
  return { item, progress, status };
}

function send(form, file, row) {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-CSRFToken", csrfToken(form));
    request.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    const description = form.querySelector("textarea[name=description]");
    if (description && description.value) {
      request.setRequestHeader("X-Document-Description", encodeURIComponent(description.value));
    }
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) row.progress.value = Math.round((event.loaded / event.total) * 100);
    });
    request.addEventListener("load", () => {
      let answer = {};
      try {
        answer = JSON.parse(request.responseText);
      } catch {
        answer = { ok: false, message: form.dataset.textFailed };
      }
      const ok = request.status < 300 && answer.ok;
      row.progress.value = ok ? 100 : row.progress.value;
      row.item.dataset.state = ok ? "done" : "failed";
      row.status.textContent = `${ok ? form.dataset.textDone : form.dataset.textFailed} — ${answer.message || ""}`;
      resolve(ok);
    });
    request.addEventListener("error", () => {
      row.item.dataset.state = "failed";
      row.status.textContent = form.dataset.textNetwork;
      resolve(false);
    });
    row.status.textContent = form.dataset.textSending;
    request.send(file);
  });
}

async function refreshRows() {
  // Show the new documents without a reload (the progress list stays in view).
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.querySelector("[data-document-rows]");
  const current = document.querySelector("[data-document-rows]");
  if (fresh && current) current.replaceChildren(...fresh.childNodes);
}

async function uploadAll(form, files) {
  const list = form.querySelector("[data-upload-list]");
  const rows = files.map((file) => [file, listItem(list, file)]);
  let stored = 0;
  for (const [file, row] of rows) {
    if (await send(form, file, row)) stored += 1;
  }
  form.querySelector("input[type=file]").value = "";
  if (stored) await refreshRows();
  form.dataset.uploads = "finished";
}

function setUp(form) {
  const input = form.querySelector("input[type=file]");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.files.length) uploadAll(form, [...input.files]);
  });
  const zone = form.querySelector("[data-drop-zone]");
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("drop-zone--active");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("drop-zone--active"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("drop-zone--active");
    let files = [...event.dataTransfer.files];
    if ("single" in form.dataset) files = files.slice(0, 1);
    if (files.length) uploadAll(form, files);
  });
}

document.querySelectorAll("form[data-upload-form]").forEach(setUp);
