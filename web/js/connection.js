// The bridge connection: reconnects by itself (every second), re-creates every subscription and
// publisher on each new connection, re-sends commands that could not be delivered (after the
// "connected" listeners, so the e-stop goes first), polls parameters, and tracks when each
// stream last delivered (stale data).
const RETRY_MS = 1000;
const PARAM_POLL_MS = 1000;
const PARAM_TIMEOUT_MS = 5000;

export class Connection extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.ros = null;
    this.connected = false;
    this.subs = []; // {name, type, callback, options, topic, last}
    this.pubs = new Map(); // name -> {type, latch, resend, topic, pending}
    this.open();
  }

  open() {
    const ros = new ROSLIB.Ros({});
    this.ros = ros;
    ros.on("connection", () => {
      if (ros !== this.ros) return;
      this.connected = true;
      for (const [name, pub] of this.pubs) this.advertise(name, pub);
      for (const sub of this.subs) this.attach(sub);
      this.emit("connected");
      for (const pub of this.pubs.values()) {
        if (pub.pending && this.connected) { pub.topic.publish(pub.pending); pub.pending = null; }
      }
    });
    ros.on("close", () => this.lost(ros));
    ros.on("error", () => this.lost(ros));
    ros.connect(this.url);
  }

  lost(ros) {
    if (ros !== this.ros) return;
    this.ros = null;
    const was = this.connected;
    this.connected = false;
    if (was) this.emit("disconnected");
    setTimeout(() => this.open(), RETRY_MS);
  }

  /** Drop the link on purpose (as a network loss would); it comes back by itself. */
  drop() {
    if (this.ros) this.ros.close();
  }

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  attach(sub) {
    sub.topic = new ROSLIB.Topic({
      ros: this.ros, name: sub.name, messageType: sub.type,
      throttle_rate: sub.options.throttle ?? 0, queue_length: sub.options.queue ?? 1,
    });
    sub.topic.subscribe((msg) => {
      sub.last = performance.now();
      sub.callback(msg);
    });
  }

  /** Subscribe now and after every reconnect; options.throttle in ms, options.queue: messages the
   * bridge may hold for this page (1: only the latest). */
  subscribe(name, type, callback, options = {}) {
    const sub = { name, type, callback, options, topic: null, last: 0 };
    this.subs.push(sub);
    if (this.connected) this.attach(sub);
    return sub;
  }

  /** Stop a subscription made by subscribe(). */
  unsubscribe(sub) {
    this.subs = this.subs.filter((s) => s !== sub);
    sub.topic?.unsubscribe();
  }

  /** Advertise at once, so subscribers are connected before the first message (e-stop). */
  advertise(name, pub) {
    pub.topic = new ROSLIB.Topic({
      ros: this.ros, name, messageType: pub.type, latch: pub.latch, queue_size: 1,
    });
    pub.topic.advertise();
  }

  /** A function publishing on `name`; false when there is no connection to send it on.
   * resend: keep the latest undelivered message and send it on reconnect (never for motion
   * that needs a held key: /cmd_vel). */
  publisher(name, type, { latch = false, resend = false } = {}) {
    const entry = { type, latch, resend, topic: null, pending: null };
    this.pubs.set(name, entry);
    if (this.connected) this.advertise(name, entry);
    return (msg) => {
      const pub = this.pubs.get(name);
      if (!this.connected) {
        if (pub.resend) pub.pending = msg;
        return false;
      }
      if (!pub.topic) this.advertise(name, pub);
      pub.pending = null;
      pub.topic.publish(msg);
      return true;
    };
  }

  /** callback(value) with a parameter's value now and every second while connected, or
   * callback(null, error) when it cannot be read. */
  watchParam(name, callback) {
    const poll = () => {
      if (this.connected) this.getParam(name).then((v) => callback(v), (err) => callback(null, err));
    };
    this.addEventListener("connected", poll);
    setInterval(poll, PARAM_POLL_MS);
  }

  /** Call a service; resolves with the response, rejects with a reason. */
  call(name, type, request) {
    return new Promise((resolve, reject) => {
      if (!this.connected) return reject(new Error("not connected"));
      new ROSLIB.Service({ ros: this.ros, name, serviceType: type })
        .callService(request, resolve, (err) => reject(new Error(err)));
    });
  }

  /** A parameter's value; rejects when not connected or with no answer in 5 s. */
  getParam(name) {
    return new Promise((resolve, reject) => {
      if (!this.connected) return reject(new Error("not connected"));
      const timer = setTimeout(() => reject(new Error(`no answer for ${name}`)), PARAM_TIMEOUT_MS);
      new ROSLIB.Param({ ros: this.ros, name }).get(
        (v) => { clearTimeout(timer); resolve(v); },
        (err) => { clearTimeout(timer); reject(new Error(err)); },
      );
    });
  }

  setParam(name, value) {
    if (this.connected) new ROSLIB.Param({ ros: this.ros, name }).set(value);
  }

  /** Subscriptions that have said nothing for `ms` (those that spoke once; not events, which
   * are subscribed with stale: false). */
  stale(ms) {
    const now = performance.now();
    return this.subs.filter((s) => s.options.stale !== false && s.last && now - s.last > ms);
  }
}
