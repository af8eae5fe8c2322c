// A random id for this browser, so a session can count distinct screens
// without an account or a cookie. (Polls use their own HttpOnly cookie
// instead, lessons/polls.py, so a student can answer without JavaScript.)
// It says nothing about the person and is only ever sent with requests to
// this site, in the X-Courseware-Device header.
const KEY = "courseware-device";
let memory = null;

function fresh() {
  // getRandomValues works on plain http too (a classroom's LAN address),
  // where crypto.randomUUID does not.
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function deviceId() {
  try {
    let id = localStorage.getItem(KEY);
    if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      id = fresh();
      localStorage.setItem(KEY, id);
    }
    return id;
  } catch (error) {
    // Storage refused (a private window's settings): this page keeps one.
    memory = memory || fresh();
    return memory;
  }
}
