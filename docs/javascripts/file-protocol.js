// Opened straight from disk (file://), the site cannot load its figures' data or follow its
// folder links: say so at the top of the page, with the command that serves it.
if (window.location.protocol === "file:") {
  const notice = document.createElement("div");
  notice.className = "initdoc-file-notice";
  notice.setAttribute("role", "alert");
  notice.textContent =
    "This page was opened from disk, where links and interactive figures do not work. " +
    "Serve the built site instead: python -m http.server --directory site 8000, " +
    "then open http://127.0.0.1:8000/";
  document.body.prepend(notice);
}
