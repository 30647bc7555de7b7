// htmx settings, read before htmx starts (deferred scripts run before DOMContentLoaded).
// No injected <style> for indicators: the Content Security Policy allows only our files.
(function () {
  "use strict";
  if (!window.htmx) { return; }
  window.htmx.config.includeIndicatorStyles = false;
  window.htmx.config.historyCacheSize = 10;
})();
