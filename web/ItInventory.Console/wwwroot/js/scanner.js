// The scan page's camera: reads QR codes from the video with the browser's BarcodeDetector when it knows QR codes,
// else with jsQR (served from lib/jsqr, copied from npm at build), and hands each new code to .NET.
window.itiScanner = (() => {
  let stream = null, timer = null, detector = null, last = { text: null, at: 0 };
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const repeatMs = 15000; // a label kept in view is recorded once, not on every frame

  async function qrDetector() {
    if ("BarcodeDetector" in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) {
          const d = new window.BarcodeDetector({ formats: ["qr_code"] });
          return { name: "BarcodeDetector", read: async v => (await d.detect(v))[0]?.rawValue ?? null };
        }
      } catch { /* fall back to jsQR */ }
    }
    if (!window.jsQR) {
      await new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = "lib/jsqr/jsQR.js";
        script.onload = resolve;
        script.onerror = () => reject(new Error("The QR decoder could not be loaded."));
        document.head.appendChild(script);
      });
    }
    return {
      name: "jsQR",
      read: async v => {
        if (!v.videoWidth) return null;
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        context.drawImage(v, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        return window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" })?.data ?? null;
      },
    };
  }

  async function start(video, dotnet) {
    if (!navigator.mediaDevices?.getUserMedia) return "This browser cannot use a camera here (it needs HTTPS).";
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (e) {
      return "The camera could not be opened: " + (e?.message || e?.name || e);
    }
    video.srcObject = stream;
    await video.play();
    try {
      detector = await qrDetector();
    } catch (e) {
      stop();
      return e.message;
    }
    const tick = async () => {
      if (!stream) return;
      try {
        const text = await detector.read(video);
        const now = Date.now();
        if (text && (text !== last.text || now - last.at > repeatMs)) {
          last = { text, at: now };
          await dotnet.invokeMethodAsync("OnCodeScanned", text);
        }
      } catch { /* a frame that cannot be read: try the next */ }
      if (stream) timer = setTimeout(tick, 200);
    };
    tick();
    return "ok " + detector.name;
  }

  function stop() {
    clearTimeout(timer);
    timer = null;
    stream?.getTracks().forEach(t => t.stop());
    stream = null;
    last = { text: null, at: 0 };
  }

  return { start, stop };
})();
