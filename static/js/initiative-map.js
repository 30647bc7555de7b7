// The initiatives map: markers fetched as compact JSON for the page's filters, clustered at
// low zoom. Without this script (or without tiles) the list under the map shows the same
// initiatives.
(function () {
  "use strict";
  var element = document.getElementById("initiative-map");
  if (!element || !element.dataset.pointsUrl || !window.L || !window.fetch) { return; }
  var L = window.L;

  function addMarkers(map, data) {
    // Each point is an array in the order of data.fields (lat, lng, name, url, type, place).
    var at = {};
    data.fields.forEach(function (name, index) { at[name] = index; });
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    var bounds = [];
    data.points.forEach(function (point) {
      var name = point[at.name], type = point[at.type], place = point[at.place];
      var latLng = [point[at.lat], point[at.lng]];
      // Built from text nodes: names come from the public and are never parsed as HTML.
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = point[at.url];
      link.textContent = name;
      popup.appendChild(link);
      if (type || place) {
        var meta = document.createElement("div");
        meta.textContent = [type, place].filter(Boolean).join(" · ");
        popup.appendChild(meta);
      }
      var marker = L.marker(latLng, { title: name, alt: name, keyboard: true });
      marker.bindPopup(popup);
      cluster.addLayer(marker);
      bounds.push(latLng);
    });
    map.addLayer(cluster);
    if (bounds.length === 1) {
      map.setView(bounds[0], 12);
    } else if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13, animate: false });
    }
  }

  fetch(element.dataset.pointsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("map points: HTTP " + response.status); }
      return response.json();
    })
    .then(function (data) {
      L.Icon.Default.imagePath = element.dataset.imagePath;
      element.textContent = "";
      element.classList.add("is-live");
      var map = L.map(element, { scrollWheelZoom: false }).setView([52.2, 5.3], 7);
      L.tileLayer(element.dataset.tileUrl, {
        maxZoom: 18,
        attribution: element.dataset.attribution
      }).addTo(map);
      addMarkers(map, data);
    })
    .catch(function (error) {
      // The fallback text stays: the list below shows the same initiatives.
      if (window.console) { window.console.warn(error); }
    });
})();
