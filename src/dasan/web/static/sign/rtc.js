/* One WebRTC call of a sign-language video consultation (ADR 0015), shared by the citizen's
   page and the agent's desk. Signalling goes through `send` (the app's WebSocket, as
   {type: "rtc", kind, sdp | candidate}); `handle` takes the other side's rtc events. */
"use strict";
(() => {
  class Call {
    constructor(opts) {
      this.o = opts;             // {iceServers, stream, send(kind, extra), onRemote(stream), onState(state)}
      this.pc = null;
      this.pendingIce = [];      // candidates that came before the remote description
    }
    ensure() {
      if (this.pc) return this.pc;
      const pc = new RTCPeerConnection({ iceServers: this.o.iceServers || [] });
      this.pc = pc;
      if (this.o.stream) for (const track of this.o.stream.getTracks()) pc.addTrack(track, this.o.stream);
      pc.onicecandidate = (e) => this.o.send("ice", { candidate: e.candidate ? e.candidate.toJSON() : null });
      pc.ontrack = (e) => { if (e.streams && e.streams[0]) this.o.onRemote(e.streams[0]); };
      pc.onconnectionstatechange = () => this.o.onState && this.o.onState(pc.connectionState);
      return pc;
    }
    async offer() {
      this.close();
      const pc = this.ensure();
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      this.o.send("offer", { sdp: pc.localDescription.sdp });
    }
    async flushIce() {
      const queued = this.pendingIce.splice(0);
      for (const c of queued) { try { await this.pc.addIceCandidate(c); } catch (e) { console.warn(e); } }
    }
    async handle(ev) {
      if (ev.kind === "offer") {
        this.close();
        const pc = this.ensure();
        await pc.setRemoteDescription({ type: "offer", sdp: ev.sdp });
        await this.flushIce();
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        this.o.send("answer", { sdp: pc.localDescription.sdp });
      } else if (ev.kind === "answer" && this.pc) {
        await this.pc.setRemoteDescription({ type: "answer", sdp: ev.sdp });
        await this.flushIce();
      } else if (ev.kind === "ice") {
        if (!ev.candidate) return;
        if (this.pc && this.pc.remoteDescription) {
          try { await this.pc.addIceCandidate(ev.candidate); } catch (e) { console.warn(e); }
        } else this.pendingIce.push(ev.candidate);
      } else if (ev.kind === "hangup") {
        this.close();
      }
    }
    close() {
      this.pendingIce = [];
      if (this.pc) { this.pc.onconnectionstatechange = null; this.pc.close(); this.pc = null; }
    }
  }

  async function camera() {
    try { return await navigator.mediaDevices.getUserMedia({ video: true, audio: true }); }
    catch (e) { return await navigator.mediaDevices.getUserMedia({ video: true }); }
  }

  Dasan.rtc = { Call, camera };
})();
