// Q&A board form: check attachments before sending (the server checks again).
(function () {
  "use strict";
  var form = document.getElementById("qna-form");
  if (!form) return;
  var input = document.getElementById("files");
  var error = document.getElementById("files-error");
  var maxFiles = parseInt(form.dataset.maxFiles, 10);
  var maxBytes = parseInt(form.dataset.maxBytes, 10);
  var allowed = /\.(png|jpe?g|gif|pdf)$/i;
  function problem() {
    var files = input.files || [];
    if (files.length > maxFiles) return form.dataset.msgTooMany;
    for (var i = 0; i < files.length; i++) {
      if (files[i].size > maxBytes) return form.dataset.msgTooBig;
      if (!allowed.test(files[i].name)) return form.dataset.msgType;
    }
    return "";
  }
  input.addEventListener("change", function () {
    var p = problem();
    error.textContent = p;
    input.setAttribute("aria-invalid", p ? "true" : "false");
  });
  form.addEventListener("submit", function (ev) {
    var p = problem();
    if (p) {
      ev.preventDefault();
      error.textContent = p;
      input.focus();
    }
  });
})();
