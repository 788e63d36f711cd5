// Citizen report page: service attributes from the Open311 service definition, a Leaflet map of
// Seoul drawn from the shipped gu/dong GeoJSON (tiles only when configured), pin or
// geolocation, photos, submit, then the tracking page. No inline script (strict CSP).
(function () {
  "use strict";
  const form = document.getElementById("report-form");
  if (!form) return;
  const lang = form.dataset.lang || "ko";
  const tilesUrl = form.dataset.tiles || "";
  const lat = document.getElementById("lat");
  const lon = document.getElementById("long");
  const place = document.getElementById("place");
  const errorBox = document.getElementById("form-error");
  const attrsBox = document.getElementById("attributes");
  const msg = (id) => (document.getElementById(id) || {}).innerHTML || "";
  let map = null;
  let marker = null;

  function setPoint(la, lo, pan) {
    lat.value = la.toFixed(6);
    lon.value = lo.toFixed(6);
    place.textContent = msg("msg-placed") + ": " + lat.value + ", " + lon.value;
    if (map && window.L) {
      if (marker) marker.setLatLng([la, lo]);
      else marker = window.L.marker([la, lo], { keyboard: true, title: msg("msg-placed") }).addTo(map);
      if (pan) map.setView([la, lo], Math.max(map.getZoom(), 15));
    }
  }

  function initMap() {
    const el = document.getElementById("map");
    if (!window.L || !el) { if (el) el.hidden = true; return; }
    const L = window.L;
    map = L.map(el, { zoomControl: true, keyboard: true }).setView([37.5665, 126.978], 11);
    if (tilesUrl) L.tileLayer(tilesUrl, { maxZoom: 19 }).addTo(map);
    const guStyle = { color: "#0b4ea2", weight: 2, fillColor: "#ffffff", fillOpacity: 0.6 };
    const dongStyle = { color: "#5b6470", weight: 0.6, fill: false };
    let dong = null;
    fetch("/report/geo/gu.geojson").then((r) => r.json()).then((data) => {
      const layer = L.geoJSON(data, {
        style: guStyle,
        onEachFeature: (f, l) => l.bindTooltip(lang === "ko" ? f.properties.SIG_KOR_NM : f.properties.SIG_ENG_NM, { sticky: true }),
      }).addTo(map);
      map.fitBounds(layer.getBounds());
    }).catch(() => {});
    fetch("/report/geo/dong.geojson").then((r) => r.json()).then((data) => {
      dong = L.geoJSON(data, { style: dongStyle, interactive: false });
      const toggle = () => { if (map.getZoom() >= 13) dong.addTo(map); else dong.remove(); };
      map.on("zoomend", toggle);
      toggle();
    }).catch(() => {});
    map.on("click", (e) => setPoint(e.latlng.lat, e.latlng.lng, false));
  }

  function field(attr) {
    const id = "attr-" + attr.code;
    const wrap = document.createElement("label");
    wrap.htmlFor = id;
    wrap.textContent = attr.description + (attr.required ? " *" : "");
    let input;
    if (attr.datatype === "singlevaluelist" || attr.datatype === "multivaluelist") {
      input = document.createElement("select");
      if (attr.datatype === "multivaluelist") input.multiple = true;
      else {
        const none = document.createElement("option");
        none.value = "";
        none.textContent = msg("msg-choose");
        input.appendChild(none);
      }
      for (const v of attr.values) {
        const o = document.createElement("option");
        o.value = v.key;
        o.textContent = v.name;
        input.appendChild(o);
      }
    } else if (attr.datatype === "text") {
      input = document.createElement("textarea");
    } else {
      input = document.createElement("input");
      input.type = attr.datatype === "number" ? "number" : attr.datatype === "datetime" ? "datetime-local" : "text";
      if (attr.datatype === "number") input.step = "any";
    }
    input.id = id;
    input.name = "attribute[" + attr.code + "]" + (attr.datatype === "multivaluelist" ? "[]" : "");
    input.dataset.datatype = attr.datatype;
    if (attr.required) { input.required = true; input.setAttribute("aria-required", "true"); }
    if (attr.datatype_description) input.placeholder = attr.datatype_description;
    wrap.appendChild(input);
    return wrap;
  }

  document.getElementById("service").addEventListener("change", async (e) => {
    attrsBox.replaceChildren();
    const code = e.target.value;
    if (!code) return;
    const r = await fetch("/open311/v2/services/" + encodeURIComponent(code) + ".json?lang=" + lang);
    if (!r.ok) return;
    const def = await r.json();
    for (const a of def.attributes) attrsBox.appendChild(field(a));
  });

  document.getElementById("locate").addEventListener("click", () => {
    if (!navigator.geolocation) { place.textContent = msg("msg-geo-fail"); return; }
    navigator.geolocation.getCurrentPosition(
      (pos) => setPoint(pos.coords.latitude, pos.coords.longitude, true),
      () => { place.textContent = msg("msg-geo-fail"); },
      { enableHighAccuracy: true, timeout: 10000 });
  });
  [lat, lon].forEach((el) => el.addEventListener("change", () => {
    const la = parseFloat(lat.value), lo = parseFloat(lon.value);
    if (isFinite(la) && isFinite(lo)) setPoint(la, lo, true);
  }));

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errorBox.textContent = "";
    const hasPhoto = document.getElementById("photos").files.length > 0;
    if (!form.service_code.value || (!lat.value && !hasPhoto)) {
      errorBox.textContent = msg("msg-required");
      return;
    }
    const data = new FormData(form);
    // datetime-local has no zone: send it as Korea time, as the service definition asks
    for (const el of attrsBox.querySelectorAll("[data-datatype=datetime]")) {
      if (el.value) data.set(el.name, el.value + ":00+09:00");
    }
    const button = document.getElementById("submit");
    button.disabled = true;
    const label = button.textContent;
    button.textContent = msg("msg-sending");
    try {
      const r = await fetch("/api/complaints/reports", { method: "POST", body: data });
      const body = await r.json().catch(() => ({}));
      if (!r.ok) {
        errorBox.textContent = window.dasanErrorMessage(body, r.status);
        return;
      }
      window.location.assign(body.tracking_url + (lang !== "ko" ? "?lang=" + lang : ""));
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });

  initMap();
})();
