// Starts Swagger UI on /docs (kept out of the page: the Content-Security-Policy allows no
// inline script). Calls made from "Try it out" carry the CSRF token via dasan.js's rule.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var csrf = (document.cookie.match(/(?:^|;\s*)dasan_csrf=([^;]+)/) || [])[1] || "";
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: function (req) {
      if (req.method && !/^(GET|HEAD|OPTIONS)$/i.test(req.method) && csrf) {
        req.headers["X-CSRF-Token"] = decodeURIComponent(csrf);
      }
      return req;
    }
  });
})();
