// The initiatives map: markers from the page's JSON, clustered at low zoom. Without this
// script (or without tiles) the list under the map shows the same initiatives.
(function () {
  "use strict";
  var element = document.getElementById("initiative-map");
  var data = document.getElementById("map-points");
  if (!element || !data || !window.L) { return; }
  var points = JSON.parse(data.textContent);
  var L = window.L;
  L.Icon.Default.imagePath = element.dataset.imagePath;
  element.textContent = "";
  element.classList.add("is-live");
  var map = L.map(element, { scrollWheelZoom: false }).setView([52.2, 5.3], 7);
  L.tileLayer(element.dataset.tileUrl, {
    maxZoom: 18,
    attribution: element.dataset.attribution
  }).addTo(map);
  var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
  var bounds = [];
  points.forEach(function (point) {
    // Built from text nodes: names come from the public and are never parsed as HTML.
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    popup.appendChild(link);
    if (point.type || point.place) {
      var meta = document.createElement("div");
      meta.textContent = [point.type, point.place].filter(Boolean).join(" · ");
      popup.appendChild(meta);
    }
    var marker = L.marker([point.lat, point.lng], { title: point.name, alt: point.name, keyboard: true });
    marker.bindPopup(popup);
    cluster.addLayer(marker);
    bounds.push([point.lat, point.lng]);
  });
  map.addLayer(cluster);
  if (bounds.length === 1) {
    map.setView(bounds[0], 12);
  } else if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13, animate: false });
  }
})();
