/* Large files go up in checksummed, resumable chunks through /api/v1/uploads (docs/uploads.md);
   smaller ones, and every file when this script does not run, go up as the ordinary form post.

   The file's SHA-256 is computed here, in pieces, by a small SHA-256 below: WebCrypto can only
   hash a whole buffer at once (2 GB would not fit) and is missing outside secure contexts.
   Announcing the same file again returns the open upload, so choosing the file again after an
   interruption sends only the chunks the server does not have. */
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  if (!form || !window.fetch || !window.Blob || !Blob.prototype.arrayBuffer) return;
  var input = form.querySelector("input[type=file]");
  var threshold = Number(form.getAttribute("data-chunked-threshold"));
  var box = form.querySelector(".upload-progress");
  var bar = box.querySelector("progress");
  var percent = box.querySelector(".upload-percent");
  var statusLine = box.querySelector(".upload-status");
  var errorLine = form.querySelector(".upload-error");
  var button = form.querySelector("button[type=submit]");
  var PIECE = 8 * 1024 * 1024;
  var RETRIES = 5;

  function message(name) {
    return form.getAttribute("data-msg-" + name) || "";
  }

  function show(text, done, total) {
    box.hidden = false;
    statusLine.textContent = text;
    var value = total ? Math.floor((100 * done) / total) : 0;
    bar.value = value;
    percent.textContent = value + "%";
  }

  function UploadError(text) {
    this.message = text;
  }

  function csrfToken() {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function sleep(ms) {
    return new Promise(function (resolve) { window.setTimeout(resolve, ms); });
  }

  /* fetch, again with backoff on network errors and 5xx answers; 4xx answers are final.
     ``submission`` marks the call whose 422 is an answer (an invalid file), not an error. */
  async function request(method, url, body, headers, submission) {
    var delay = 1000;
    for (var attempt = 0; ; attempt++) {
      var response = null;
      try {
        response = await fetch(url, {
          method: method,
          body: body,
          credentials: "same-origin",
          headers: Object.assign({ "X-CSRFToken": csrfToken(), Accept: "application/json" },
                                 headers || {}),
        });
      } catch (networkError) {
        response = null;
      }
      if (response && response.status < 500 && response.status !== 408) {
        var payload = await response.json().catch(function () { return {}; });
        var answered = response.ok || (submission && response.status === 422);
        if (!answered) throw new UploadError(payload.message || "");
        return { status: response.status, body: payload };
      }
      if (attempt >= RETRIES) throw new UploadError("");
      await sleep(delay);
      delay = Math.min(delay * 2, 30000);
    }
  }

  async function fileSha256(file, onProgress) {
    var hash = new Sha256();
    for (var offset = 0; offset < file.size; offset += PIECE) {
      var piece = await file.slice(offset, offset + PIECE).arrayBuffer();
      hash.update(new Uint8Array(piece));
      onProgress(Math.min(offset + PIECE, file.size));
    }
    return hash.hex();
  }

  /* One chunk fits in memory, so the browser's native SHA-256 does, where there is one. */
  async function chunkSha256(buffer) {
    if (!window.isSecureContext || !window.crypto || !window.crypto.subtle) {
      return new Sha256().update(new Uint8Array(buffer)).hex();
    }
    var digest = new Uint8Array(await window.crypto.subtle.digest("SHA-256", buffer));
    return Array.prototype.map.call(digest, function (byte) {
      return ("0" + byte.toString(16)).slice(-2);
    }).join("");
  }

  async function upload(file) {
    show(message("checking"), 0, file.size);
    var sha256 = await fileSha256(file, function (done) {
      show(message("checking"), done, file.size);
    });
    var base = form.getAttribute("data-uploads-url");
    var description = form.querySelector("[name=description]");
    var started = await request("POST", base, JSON.stringify({
      scenario: form.getAttribute("data-scenario"),
      stage: form.getAttribute("data-stage"),
      filename: file.name,
      size: file.size,
      sha256: sha256,
      description: description ? description.value : "",
    }), { "Content-Type": "application/json" });
    var session = started.body;
    var sent = session.received_bytes;
    var have = {};
    session.received_chunks.forEach(function (index) { have[index] = true; });
    var uploading = sent ? message("resuming") : message("uploading");
    show(uploading, sent, file.size);
    for (var index = 0; index < session.chunk_count; index++) {
      if (have[index]) continue;
      var start = index * session.chunk_size;
      var chunk = await file.slice(start, start + session.chunk_size).arrayBuffer();
      var digest = await chunkSha256(chunk);
      await request("PUT", base + "/" + session.id + "/chunks/" + index, chunk, {
        "Content-Type": "application/octet-stream",
        "X-Chunk-Sha256": digest,
      });
      sent += chunk.byteLength;
      show(uploading, sent, file.size);
    }
    show(message("finishing"), file.size, file.size);
    await request("POST", base + "/" + session.id + "/complete", null, null, true);
    // 201 queued or 422 invalid: either way the page lists the new submission and its problems.
    window.location.assign(form.getAttribute("data-page-url"));
  }

  form.addEventListener("submit", function (event) {
    var file = input && input.files && input.files[0];
    if (!file || file.size <= threshold) return; // small enough for the ordinary post
    event.preventDefault();
    errorLine.hidden = true;
    button.disabled = true;
    upload(file).catch(function (error) {
      button.disabled = false;
      // The server's reason when it refused; otherwise the network failed and a retry resumes.
      errorLine.textContent = error.message || message("failed");
      errorLine.hidden = false;
      if (!(error instanceof UploadError)) throw error;
    });
  });

  /* SHA-256 (FIPS 180-4) over any number of update() calls. */
  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);

  function Sha256() {
    this.h = new Int32Array([
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]);
    this.w = new Int32Array(64);
    this.buffer = new Uint8Array(64);
    this.buffered = 0;
    this.length = 0;
  }

  Sha256.prototype.update = function (bytes) {
    var i = 0;
    var n = bytes.length;
    this.length += n;
    if (this.buffered) {
      var take = Math.min(64 - this.buffered, n);
      this.buffer.set(bytes.subarray(0, take), this.buffered);
      this.buffered += take;
      i = take;
      if (this.buffered < 64) return this;
      this.blocks(this.buffer, 0, 64);
      this.buffered = 0;
    }
    var end = i + ((n - i) & ~63);
    if (end > i) this.blocks(bytes, i, end);
    if (end < n) {
      this.buffer.set(bytes.subarray(end), 0);
      this.buffered = n - end;
    }
    return this;
  };

  /* Compress the 64-byte blocks of b[start:end]; the state stays in locals for speed. */
  Sha256.prototype.blocks = function (b, start, end) {
    var w = this.w;
    var h = this.h;
    var h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5], h6 = h[6], h7 = h[7];
    var a, bb, c, d, e, f, g, k, i, o, x, y, t1, t2;
    for (o = start; o < end; o += 64) {
      for (i = 0; i < 16; i++) {
        var p = o + 4 * i;
        w[i] = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
      }
      for (i = 16; i < 64; i++) {
        x = w[i - 15];
        y = w[i - 2];
        w[i] = (w[i - 16] + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
                w[i - 7] + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      }
      a = h0; bb = h1; c = h2; d = h3; e = h4; f = h5; g = h6; k = h7;
      for (i = 0; i < 64; i++) {
        t1 = (k + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
              ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
              ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
        k = g;
        g = f;
        f = e;
        e = (d + t1) | 0;
        d = c;
        c = bb;
        bb = a;
        a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0;
      h1 = (h1 + bb) | 0;
      h2 = (h2 + c) | 0;
      h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0;
      h5 = (h5 + f) | 0;
      h6 = (h6 + g) | 0;
      h7 = (h7 + k) | 0;
    }
    h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4; h[5] = h5; h[6] = h6; h[7] = h7;
  };

  Sha256.prototype.hex = function () {
    var length = this.length;
    var tail = new Uint8Array(this.buffered < 56 ? 64 : 128);
    tail.set(this.buffer.subarray(0, this.buffered));
    tail[this.buffered] = 0x80;
    var view = new DataView(tail.buffer);
    // The length in bits, as a 64-bit big-endian number (files may pass 2^32 bits).
    view.setUint32(tail.length - 8, Math.floor(length / 0x20000000));
    view.setUint32(tail.length - 4, (length % 0x20000000) * 8);
    this.blocks(tail, 0, tail.length);
    var out = "";
    for (var i = 0; i < 8; i++) out += ("0000000" + (this.h[i] >>> 0).toString(16)).slice(-8);
    return out;
  };
})();
