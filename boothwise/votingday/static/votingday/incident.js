/* "Share my location" on the incident form: fills the hidden coordinates, nothing else. */
(function () {
  "use strict";
  const button = document.getElementById("vd-locate");
  if (!button || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.geolocation.getCurrentPosition((position) => {
      document.getElementById("id_latitude").value = position.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = position.coords.longitude.toFixed(6);
      document.getElementById("vd-located").hidden = false;
    });
  });
})();
