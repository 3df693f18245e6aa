/* Optional help: warns two minutes before the 30-minute idle timeout. Lien
 * works without it; the server keeps typed data if the session expires. */
(function () {
	"use strict";
	if (!document.querySelector("form[action='/deconnexion']")) return;
	var warnAfter = 28 * 60 * 1000;
	setTimeout(function () {
		var box = document.createElement("div");
		box.className = "notice";
		box.setAttribute("role", "alert");
		box.textContent = "Votre session expirera dans 2 minutes sans activité. " +
			"Enregistrez votre saisie : si la session expire, ce que vous avez tapé sera conservé " +
			"et vous pourrez l'envoyer après vous être reconnecté.";
		var main = document.getElementById("contenu");
		if (main) main.insertBefore(box, main.firstChild);
	}, warnAfter);
})();
