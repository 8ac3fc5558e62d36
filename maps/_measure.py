"""A distance-measuring control for folium maps, with WGS84 geodesics in the page.

:class:`MeasureControl` is a Leaflet control written for this project (no plugin,
no extra asset). Its button (an accessible ``<button>``) starts a measurement;
each click on the map adds a point; the line between points follows the geodesic
on the WGS84 ellipsoid (each leg is densified along it, so it is drawn curved as
it really runs on a Mercator map); a readout gives every leg and the total in
nautical miles (1 NM = 1852 m) and kilometres, such as ``12.0 NM (22.2 km)``, and
the initial true bearing of the last leg. A double-click or the "Finish" button
ends the measurement; Esc or "Clear" removes it.

Geodesy in the page
-------------------
The page gets ``window.airmapGeodesy`` (see :data:`GEODESY_JS`), with

* ``inverse(lat1, lon1, lat2, lon2)`` -> ``{s12_m, azi1_deg, azi2_deg}``:
  the shortest geodesic between two points, in metres, and its azimuths
  (degrees clockwise from true north, in ``[0, 360)``);
* ``direct(lat1, lon1, azi1, s12_m)`` -> ``{lat2_deg, lon2_deg, azi2_deg}``;
* ``path(lat1, lon1, lat2, lon2, step_m=2000)`` -> ``[[lat, lon], ...]``
  along the geodesic, with continuous longitudes (for Leaflet).

Written for this project from the classical formulation on the auxiliary
sphere (Bessel, Helmert; as set out in C. F. F. Karney, "Algorithms for
geodesics", J. Geodesy 87, 2013, eqs. 7-12): a geodesic is a great circle on the
sphere of reduced latitude, and distance and longitude are the integrals

* ``s / b = I1(sigma)``, ``I1' = sqrt(1 + k^2 sin^2 sigma)``,
* ``lambda = omega - f sin(alpha0) I3(sigma)``,
  ``I3' = (2 - f) / (1 + (1 - f) sqrt(1 + k^2 sin^2 sigma))``,

with ``k^2 = e'^2 cos^2(alpha0)``. Rather than truncated series in ``f``, the
integrands (even, pi-periodic and analytic) are expanded as cosine series by
sampling them at 16 equally spaced points, which is exact to rounding error for
the Earth's flattening. The inverse problem is solved for the initial azimuth in
the usual reduced form (first point south of the equator and no nearer to it
than the second, longitude difference in ``[0, pi]``), where the longitude
reached rises from 0 to pi as the azimuth goes from 0 to pi: a bracketed root
search (false position with bisection whenever the bracket does not halve)
therefore always converges, including for nearly antipodal points where
Vincenty's iteration fails. Points on the equator less than ``(1 - f) pi``
apart are joined along the equator.

Accuracy against ``pyproj.Geod(ellps="WGS84").inv`` (GeographicLib), measured
in Chromium on random and edge-case pairs: distances agree to within 0.1 µm
except for nearly antipodal pairs on opposite latitudes close to the equator,
where they agree to within 0.02 mm; azimuths to within 1e-9 degrees wherever
the geodesic is unique.
"""

from __future__ import annotations

import re
from typing import Any, Self

from jinja2 import Template

import folium
from branca.element import Element, MacroElement

from airmap.geo import AirmapError

from ._escape import script_json

__all__ = ["GEODESY_JS", "MeasureControl", "MeasureError"]

#: Map corners a Leaflet control can sit in.
_POSITIONS = ("topleft", "topright", "bottomleft", "bottomright")
#: A JavaScript identifier as folium and branca spell element names.
_JS_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
#: Metres in a nautical mile.
NM_M = 1852.0


class MeasureError(AirmapError, ValueError):
    """A measure control was given a bad option or sits in a bad place."""


#: The page's geodesy library (defines ``window.airmapGeodesy`` once).
GEODESY_JS = r"""
(function (root) {
    "use strict";
    if (root.airmapGeodesy) { return; }
    // WGS84
    var A = 6378137.0;
    var F = 1 / 298.257223563;
    var B = A * (1 - F);
    var EP2 = F * (2 - F) / ((1 - F) * (1 - F));
    var RAD = Math.PI / 180;
    var TINY = 1e-150;
    // The integrands of distance and longitude along a geodesic are even,
    // pi-periodic and analytic in sigma; N equally spaced samples give their
    // cosine series (the trapezoidal rule is exact up to aliasing, and the
    // coefficients fall by about k^2/4 < 0.002 per harmonic).
    var N = 16;
    var H = 7;
    var SIN2 = [];
    var COS2 = [];
    (function () {
        for (var j = 0; j < N; j++) {
            var t = j * Math.PI / N;
            SIN2.push(Math.sin(t) * Math.sin(t));
            for (var l = 1; l <= H; l++) { COS2.push(Math.cos(2 * l * t)); }
        }
    }());

    function cosineSeries(fn) {
        var g = [];
        var c = [0];
        var j;
        for (j = 0; j < N; j++) { g.push(fn(SIN2[j])); c[0] += g[j]; }
        c[0] /= N;
        for (var l = 1; l <= H; l++) {
            var sum = 0;
            for (j = 0; j < N; j++) { sum += g[j] * COS2[j * H + l - 1]; }
            c.push(2 * sum / N);
        }
        return c;
    }
    // distance: s / b = I1(sigma), I1' = sqrt(1 + k^2 sin^2 sigma)
    function distanceSeries(k2) {
        return cosineSeries(function (s2) { return Math.sqrt(1 + k2 * s2); });
    }
    // longitude: lambda = omega - f sin(alpha0) I3(sigma),
    // I3' = (2 - f) / (1 + (1 - f) sqrt(1 + k^2 sin^2 sigma))
    function longitudeSeries(k2) {
        return cosineSeries(function (s2) {
            return (2 - F) / (1 + (1 - F) * Math.sqrt(1 + k2 * s2));
        });
    }
    // integral from 0 to sigma of the series c
    function integral(c, sigma) {
        var sum = c[0] * sigma;
        for (var l = 1; l <= H; l++) { sum += c[l] * Math.sin(2 * l * sigma) / (2 * l); }
        return sum;
    }

    function reduced(lat) {
        var phi = lat * RAD;
        var s = (1 - F) * Math.sin(phi);
        var c = Math.cos(phi);
        var h = Math.hypot(s, c);
        return [s / h, Math.max(c / h, TINY)];
    }
    function wrap180(x) {
        var y = x % 360;
        if (y <= -180) { y += 360; } else if (y > 180) { y -= 360; }
        return y;
    }
    function number(x, what) {
        if (typeof x !== "number" || !isFinite(x)) {
            throw new RangeError("airmapGeodesy: " + what + " must be a finite number");
        }
        return x;
    }
    function latitude(x, what) {
        number(x, what);
        if (x < -90 || x > 90) {
            throw new RangeError("airmapGeodesy: " + what + " must be within -90..90");
        }
        return x;
    }

    // Longitude difference on the ellipsoid reached from (beta1, alpha1) at the
    // first crossing of beta2 with cos(alpha2) >= 0 (beta1 <= 0, |beta2| <= |beta1|).
    function lambda12(sb1, cb1, sb2, cb2, sa1, ca1) {
        var sa0 = sa1 * cb1;
        var ca0 = Math.hypot(ca1, sa1 * sb1);
        var d = Math.abs(sb1) < 0.7 ?
            (sb1 - sb2) * (sb1 + sb2) : (cb2 - cb1) * (cb2 + cb1);
        var sa2 = sa0 / cb2;
        var ca2 = Math.sqrt(Math.max(0, ca1 * cb1 * ca1 * cb1 + d)) / cb2;
        var sig1 = Math.atan2(sb1, ca1 * cb1);
        var sig2 = Math.atan2(sb2, ca2 * cb2);
        var omg12 = Math.atan2(sa0 * sb2, ca2 * cb2) - Math.atan2(sa0 * sb1, ca1 * cb1);
        var k2 = EP2 * ca0 * ca0;
        var c3 = longitudeSeries(k2);
        return {
            lam12: omg12 - F * sa0 * (integral(c3, sig2) - integral(c3, sig1)),
            sig1: sig1, sig2: sig2, sa2: sa2, ca2: ca2, k2: k2
        };
    }

    function degrees(s, c) {
        var d = Math.atan2(s, c) / RAD;
        return d < 0 ? d + 360 : d;
    }

    function inverse(lat1, lon1, lat2, lon2) {
        latitude(lat1, "lat1");
        latitude(lat2, "lat2");
        var lon12 = wrap180(number(lon2, "lon2") - number(lon1, "lon1"));
        var lonSign = lon12 < 0 ? -1 : 1;
        lon12 *= lonSign;
        var swapped = Math.abs(lat1) < Math.abs(lat2);
        if (swapped) { var t = lat1; lat1 = lat2; lat2 = t; }
        var latSign = lat1 > 0 ? -1 : 1;
        lat1 *= latSign;
        lat2 *= latSign;
        var r1 = reduced(lat1);
        var r2 = reduced(lat2);
        var sb1 = Math.min(r1[0], -TINY);
        var cb1 = r1[1];
        var sb2 = r2[0];
        var cb2 = r2[1];
        var target = lon12 * RAD;
        var s12;
        var sa1;
        var ca1;
        var sa2;
        var ca2;
        if (lat1 === 0 && lat2 === 0 && target <= (1 - F) * Math.PI) {
            // along the equator
            s12 = A * target;
            sa1 = sa2 = 1;
            ca1 = ca2 = 0;
        } else {
            var found = solve(sb1, cb1, sb2, cb2, target);
            sa1 = found.sa1;
            ca1 = found.ca1;
            var r = found.r;
            var c1 = distanceSeries(r.k2);
            s12 = B * (integral(c1, r.sig2) - integral(c1, r.sig1));
            sa2 = r.sa2;
            ca2 = r.ca2;
        }
        if (latSign < 0) { ca1 = -ca1; ca2 = -ca2; }
        if (swapped) {
            var ts = sa1;
            var tc = ca1;
            sa1 = sa2;
            ca1 = -ca2;
            sa2 = ts;
            ca2 = -tc;
        }
        sa1 *= lonSign;
        sa2 *= lonSign;
        return {s12_m: s12, azi1_deg: degrees(sa1, ca1), azi2_deg: degrees(sa2, ca2)};
    }

    // Bracketed root of lambda12(alpha1) = target on [0, pi], where lambda12
    // rises from 0 to pi: false position (Illinois) with bisection whenever
    // the bracket fails to halve, so it always converges.
    function solve(sb1, cb1, sb2, cb2, target) {
        var lo = 0;
        var hi = Math.PI;
        var flo = -target;
        var fhi = Math.PI - target;
        var best = null;
        var side = 0;
        var width = hi - lo;
        var x = flo === 0 ? 0 : (fhi === 0 ? Math.PI : NaN);
        if (!isNaN(x)) {
            return {sa1: 0, ca1: x === 0 ? 1 : -1,
                r: lambda12(sb1, cb1, sb2, cb2, 0, x === 0 ? 1 : -1)};
        }
        for (var i = 0; i < 200; i++) {
            x = (lo * fhi - hi * flo) / (fhi - flo);
            if (i % 2 === 1 && hi - lo > width / 2) { x = (lo + hi) / 2; }
            if (i % 2 === 1) { width = hi - lo; }
            if (!(x > lo && x < hi)) { x = (lo + hi) / 2; }
            var sa = Math.sin(x);
            var ca = Math.cos(x);
            var r = lambda12(sb1, cb1, sb2, cb2, sa, ca);
            var fx = r.lam12 - target;
            if (best === null || Math.abs(fx) < best.err) {
                best = {sa1: sa, ca1: ca, r: r, err: Math.abs(fx)};
            }
            if (fx === 0 || hi - lo < 1e-15) { break; }
            if (fx < 0) {
                lo = x;
                flo = fx;
                if (side === -1) { fhi /= 2; }
                side = -1;
            } else {
                hi = x;
                fhi = fx;
                if (side === 1) { flo /= 2; }
                side = 1;
            }
        }
        return best;
    }

    function direct(lat1, lon1, azi1, s12) {
        latitude(lat1, "lat1");
        number(lon1, "lon1");
        number(azi1, "azi1");
        number(s12, "s12");
        var r1 = reduced(lat1);
        var sb1 = r1[0];
        var cb1 = r1[1];
        var sa1 = Math.sin(azi1 * RAD);
        var ca1 = Math.cos(azi1 * RAD);
        var sa0 = sa1 * cb1;
        var ca0 = Math.hypot(ca1, sa1 * sb1);
        var sig1 = Math.atan2(sb1, ca1 * cb1);
        var omg1 = Math.atan2(sa0 * sb1, ca1 * cb1);
        var k2 = EP2 * ca0 * ca0;
        var c1 = distanceSeries(k2);
        var c3 = longitudeSeries(k2);
        var tau = integral(c1, sig1) + s12 / B;
        var sig2 = sig1 + s12 / (B * c1[0]);
        for (var i = 0; i < 20; i++) {
            var s = Math.sin(sig2);
            var step = (integral(c1, sig2) - tau) / Math.sqrt(1 + k2 * s * s);
            sig2 -= step;
            if (Math.abs(step) < 1e-15) { break; }
        }
        var ss2 = Math.sin(sig2);
        var cs2 = Math.cos(sig2);
        var sb2 = ca0 * ss2;
        var cb2 = Math.hypot(sa0, ca0 * cs2);
        var omg12 = Math.atan2(sa0 * ss2, cs2) - omg1;
        var lam12 = omg12 - F * sa0 * (integral(c3, sig2) - integral(c3, sig1));
        return {
            lat2_deg: Math.atan2(sb2, (1 - F) * cb2) / RAD,
            lon2_deg: wrap180(lon1 + lam12 / RAD),
            azi2_deg: degrees(sa0, ca0 * cs2)
        };
    }


    // Points along the geodesic, no more than step_m apart (at most 512
    // pieces), as [lat, lon] with longitudes kept continuous from lon1 so
    // that Leaflet draws a leg across the antimeridian without a jump.
    function path(lat1, lon1, lat2, lon2, step_m) {
        var inv = inverse(lat1, lon1, lat2, lon2);
        var step = number(step_m === undefined ? 2000 : step_m, "step_m");
        var n = Math.max(1, Math.min(512, Math.ceil(inv.s12_m / Math.max(step, 1))));
        var out = [[lat1, lon1]];
        var prev = lon1;
        for (var i = 1; i < n; i++) {
            var p = direct(lat1, lon1, inv.azi1_deg, inv.s12_m * i / n);
            prev += wrap180(p.lon2_deg - prev);
            out.push([p.lat2_deg, prev]);
        }
        out.push([lat2, prev + wrap180(lon2 - prev)]);
        return out;
    }

    root.airmapGeodesy = Object.freeze({
        a: A, f: F, inverse: inverse, direct: direct, path: path
    });
}(typeof window !== "undefined" ? window : globalThis));
"""

_CSS = """
.airmap-measure { display: flex; align-items: flex-start; gap: 6px; }
.airmap-measure-toggle.airmap-measure-toggle {
  display: flex; align-items: center; justify-content: center;
  width: 30px; height: 30px; padding: 0; border: none; border-radius: 4px;
  background: #fff; color: #222; cursor: pointer;
}
.airmap-measure-toggle:hover { background: #f4f4f4; }
.airmap-measure-toggle[aria-pressed="true"] { background: #1f6feb; color: #fff; }
.airmap-measure :focus-visible { outline: 2px solid #1f6feb; outline-offset: 1px; }
.airmap-measure-panel {
  background: rgba(255, 255, 255, 0.95); padding: 6px 8px; border-radius: 5px;
  box-shadow: 0 1px 5px rgba(0, 0, 0, 0.4); min-width: 200px; max-width: 300px;
  max-height: 50vh; overflow-y: auto;
  font: 12px/1.4 "Helvetica Neue", Arial, Helvetica, sans-serif; color: #222;
}
.airmap-measure-panel[hidden] { display: none; }
.airmap-measure-hint { margin: 0 0 4px; color: #555; }
.airmap-measure-legs { margin: 0 0 4px; padding-left: 0; list-style: none; }
.airmap-measure-legs li, .airmap-measure-total, .airmap-measure-bearing {
  font-variant-numeric: tabular-nums;
}
.airmap-measure-total { font-weight: bold; }
.airmap-measure-buttons { display: flex; gap: 4px; margin-top: 4px; }
.airmap-measure-buttons button {
  padding: 2px 8px; border: 1px solid #bbb; border-radius: 4px;
  background: #f4f4f4; color: #222; cursor: pointer; font: inherit;
}
.airmap-measure-buttons button:hover { background: #e6e6e6; }
.airmap-measure-buttons button[hidden] { display: none; }
.leaflet-container.airmap-measuring,
.leaflet-container.airmap-measuring .leaflet-interactive { cursor: crosshair; }
/* while measuring, clicks go to the map, not to layers (and their popups) */
.leaflet-container.airmap-measuring .leaflet-interactive { pointer-events: none; }
"""

#: Text shown by the control (sent as data and set with ``textContent``).
_TEXT = {
    "toggle": "Measure distance",
    "toggle_title": (
        "Measure distance: click points on the map; double-click or Finish "
        "ends, Esc or Clear removes the measurement"
    ),
    "hint": "Click the map to add points. Double-click or Finish ends; Esc clears.",
    "finish": "Finish",
    "clear": "Clear",
    "leg": "Leg",
    "total": "Total",
    "bearing": "Initial bearing of last leg",
    "true": "true",
}

_TEMPLATE = Template(
    """
{% macro header(this, kwargs) %}
<style>{{ this._css }}</style>
<script>{{ this._geodesy }}</script>
{% endmacro %}

{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (cfg) {
    "use strict";
    var map = window[cfg.map];
    var geo = window.airmapGeodesy;
    if (!map || !geo) {
        throw new Error("measure control: no map named " + cfg.map);
    }
    var text = cfg.text;
    var SVG = "http://www.w3.org/2000/svg";
    var state = {active: false, points: [], legs: [], line: null, preview: null,
                 group: null, zoomed: false};
    var ui = {};

    function grouped(x) {
        var fixed = x.toFixed(Math.abs(x) < 10 ? 2 : 1).split(".");
        fixed[0] = fixed[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g, ",");
        return fixed.join(".");
    }
    function distance(m) {
        return grouped(m / cfg.nm_m) + " NM (" + grouped(m / 1000) + " km)";
    }
    function bearing(deg) {
        var b = Math.round(deg * 10) / 10;
        if (b >= 360) { b -= 360; }
        return b.toFixed(1) + "\\u00b0 " + text["true"];
    }
    function put(parent, tag, cls, content) {
        var node = L.DomUtil.create(tag, cls, parent);
        if (content !== undefined) { node.textContent = content; }
        return node;
    }
    function icon() {
        var svg = document.createElementNS(SVG, "svg");
        svg.setAttribute("width", "18");
        svg.setAttribute("height", "18");
        svg.setAttribute("viewBox", "0 0 18 18");
        svg.setAttribute("aria-hidden", "true");
        svg.setAttribute("focusable", "false");
        var body = document.createElementNS(SVG, "rect");
        body.setAttribute("x", "1.5");
        body.setAttribute("y", "6");
        body.setAttribute("width", "15");
        body.setAttribute("height", "6");
        body.setAttribute("rx", "1");
        body.setAttribute("fill", "none");
        body.setAttribute("stroke", "currentColor");
        body.setAttribute("stroke-width", "1.5");
        svg.appendChild(body);
        [4.5, 7.5, 10.5, 13.5].forEach(function (x, i) {
            var tick = document.createElementNS(SVG, "line");
            tick.setAttribute("x1", String(x));
            tick.setAttribute("x2", String(x));
            tick.setAttribute("y1", "6");
            tick.setAttribute("y2", i % 2 ? "10" : "8.5");
            tick.setAttribute("stroke", "currentColor");
            tick.setAttribute("stroke-width", "1.2");
            svg.appendChild(tick);
        });
        return svg;
    }

    function readout() {
        var shown = state.active || state.points.length > 0;
        ui.panel.hidden = !shown;
        ui.hint.hidden = !state.active;
        ui.finish.hidden = !state.active;
        ui.toggle.setAttribute("aria-pressed", String(state.active));
        ui.legs.textContent = "";
        var total = 0;
        state.legs.forEach(function (leg, i) {
            total += leg.s12_m;
            put(ui.legs, "li", "airmap-measure-leg",
                text.leg + " " + (i + 1) + ": " + distance(leg.s12_m));
        });
        var last = state.legs[state.legs.length - 1];
        ui.total.textContent = last ? text.total + ": " + distance(total) : "";
        ui.bearing.textContent = last ? text.bearing + ": " + bearing(last.azi1_deg) : "";
    }
    function redraw() {
        var pts = [];
        state.legs.forEach(function (leg, i) {
            pts = pts.concat(i ? leg.path.slice(1) : leg.path);
        });
        state.line.setLatLngs(pts);
    }
    function ensureGroup() {
        if (!state.group) {
            state.group = L.featureGroup().addTo(map);
            state.line = L.polyline([], {color: cfg.colour, weight: 3,
                interactive: false, className: "airmap-measure-line"});
            state.preview = L.polyline([], {color: cfg.colour, weight: 2, opacity: 0.7,
                dashArray: "4 6", interactive: false,
                className: "airmap-measure-preview"});
            state.group.addLayer(state.line).addLayer(state.preview);
        }
    }
    function addPoint(latlng) {
        ensureGroup();
        var last = state.points[state.points.length - 1];
        if (last) {
            var a = map.latLngToContainerPoint(last);
            var b = map.latLngToContainerPoint(latlng);
            if (a.distanceTo(b) < 4) { return; }  // the second click of a double-click
            var inv = geo.inverse(last.lat, last.lng, latlng.lat, latlng.lng);
            var path = geo.path(last.lat, last.lng, latlng.lat, latlng.lng, cfg.step_m);
            var end = path[path.length - 1];
            latlng = L.latLng(end[0], end[1]);
            state.legs.push({s12_m: inv.s12_m, azi1_deg: inv.azi1_deg, path: path});
        }
        state.points.push(latlng);
        state.group.addLayer(L.circleMarker(latlng, {radius: 4, color: cfg.colour,
            weight: 2, fillColor: "#ffffff", fillOpacity: 1, interactive: false,
            className: "airmap-measure-vertex"}));
        redraw();
        readout();
    }
    function onClick(e) {
        map.closePopup();
        addPoint(e.latlng);
    }
    function onMove(e) {
        var last = state.points[state.points.length - 1];
        if (!last) { return; }
        state.preview.setLatLngs(
            geo.path(last.lat, last.lng, e.latlng.lat, e.latlng.lng, cfg.step_m * 5));
    }
    function start() {
        clear();
        state.active = true;
        state.zoomed = map.doubleClickZoom.enabled();
        map.doubleClickZoom.disable();
        L.DomUtil.addClass(map.getContainer(), "airmap-measuring");
        map.on("click", onClick);
        map.on("mousemove", onMove);
        map.on("dblclick", finish);
        readout();
    }
    function stop() {
        if (!state.active) { return; }
        state.active = false;
        map.off("click", onClick);
        map.off("mousemove", onMove);
        map.off("dblclick", finish);
        L.DomUtil.removeClass(map.getContainer(), "airmap-measuring");
        if (state.preview) { state.preview.setLatLngs([]); }
        if (state.zoomed) {
            // re-enable after the double-click that finished has passed
            setTimeout(function () {
                if (!state.active) { map.doubleClickZoom.enable(); }
            }, 0);
        }
    }
    function finish() {
        stop();
        readout();
    }
    function clear() {
        stop();
        if (state.group) {
            map.removeLayer(state.group);
            state.group = state.line = state.preview = null;
        }
        state.points = [];
        state.legs = [];
        readout();
    }

    var control = L.control({position: cfg.position});
    control.onAdd = function () {
        var box = L.DomUtil.create("div", "airmap-measure");
        var bar = put(box, "div", "leaflet-bar");
        ui.toggle = put(bar, "button", "airmap-measure-toggle");
        ui.toggle.type = "button";
        ui.toggle.setAttribute("aria-label", text.toggle);
        ui.toggle.setAttribute("title", text.toggle_title);
        ui.toggle.appendChild(icon());
        ui.panel = put(box, "div", "airmap-measure-panel");
        ui.panel.setAttribute("role", "status");
        ui.panel.setAttribute("aria-live", "polite");
        ui.hint = put(ui.panel, "p", "airmap-measure-hint", text.hint);
        ui.legs = put(ui.panel, "ol", "airmap-measure-legs");
        ui.total = put(ui.panel, "div", "airmap-measure-total");
        ui.bearing = put(ui.panel, "div", "airmap-measure-bearing");
        var buttons = put(ui.panel, "div", "airmap-measure-buttons");
        ui.finish = put(buttons, "button", "airmap-measure-finish", text.finish);
        ui.finish.type = "button";
        ui.clear = put(buttons, "button", "airmap-measure-clear", text.clear);
        ui.clear.type = "button";
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        L.DomEvent.on(ui.toggle, "click", function () {
            if (state.active) { finish(); } else { start(); }
        });
        L.DomEvent.on(ui.finish, "click", finish);
        L.DomEvent.on(ui.clear, "click", clear);
        L.DomEvent.on(document, "keydown", function (e) {
            if ((e.key === "Escape" || e.key === "Esc") &&
                    (state.active || state.points.length)) {
                clear();
            }
        });
        readout();
        return box;
    };
    control.start = start;
    control.finish = finish;
    control.clear = clear;
    control.addPoint = function (lat, lng) { addPoint(L.latLng(lat, lng)); };
    control.state = function () {
        return {
            active: state.active,
            points: state.points.map(function (p) { return [p.lat, p.lng]; }),
            legs: state.legs.map(function (l) {
                return {s12_m: l.s12_m, azi1_deg: l.azi1_deg, n: l.path.length};
            }),
            line: state.line ? state.line.getLatLngs().map(function (p) {
                return [p.lat, p.lng];
            }) : []
        };
    };
    control.addTo(map);
    return control;
}({{ this._payload() }}));
{% endmacro %}
"""
)


class MeasureControl(MacroElement):
    """A Leaflet control that measures geodesic distances on the map.

    Add it to a ``folium.Map``. The page then holds ``window.airmapGeodesy``
    (see the module docstring) and a global named :meth:`get_name` with the
    Leaflet control, whose ``start()``, ``finish()``, ``clear()`` and
    ``addPoint(lat, lon)`` drive it from a script, and whose ``state()``
    returns ``{active, points, legs, line}`` (points and line as
    ``[lat, lon]`` pairs as drawn; each leg's ``s12_m``, ``azi1_deg`` and
    number of drawn points ``n``).

    Parameters
    ----------
    position : {"topleft", "topright", "bottomleft", "bottomright"}
        Map corner of the control.
    colour : str, default "#d62728"
        Colour of the measured line, ``#rrggbb``.
    step_m : float, default 2000
        Longest straight piece of the drawn line, in metres (each leg is cut
        into at most 512 pieces); distances are exact whatever the step.

    Raises
    ------
    MeasureError
        For an unknown position, a bad colour or a step that is not a
        positive number.

    Notes
    -----
    Distances read ``12.0 NM (22.2 km)``: nautical miles (1852 m) and
    kilometres, two decimals below 10 and one from 10 up, thousands grouped
    with commas. The bearing is the initial true bearing (azimuth at the
    first point, degrees clockwise from true north) of the last leg, to
    0.1°. While a measurement is being made, the map's double-click zoom is
    off and map clicks close any open popup instead of leaving it open.

    Examples
    --------
    >>> import folium
    >>> m = folium.Map(tiles=None)
    >>> measure = MeasureControl(position="topleft").add_to(m)
    >>> "window.airmapGeodesy" in m.get_root().render()
    True
    """

    _template = _TEMPLATE
    _css = _CSS
    _geodesy = GEODESY_JS

    def __init__(
        self,
        position: str = "topleft",
        *,
        colour: str = "#d62728",
        step_m: float = 2000.0,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca is untyped here
        self._name = "MeasureControl"
        if position not in _POSITIONS:
            raise MeasureError(
                f"unknown position {position!r}; expected one of {', '.join(_POSITIONS)}"
            )
        self.position = position
        if not isinstance(colour, str) or _COLOUR.fullmatch(colour) is None:
            raise MeasureError(f"colour {colour!r} is not a #rrggbb colour")
        self.colour = colour.lower()
        if (
            isinstance(step_m, bool)
            or not isinstance(step_m, (int, float))
            or not step_m > 0
            or step_m == float("inf")
        ):
            raise MeasureError(
                f"step_m must be a positive number of metres, got {step_m!r}"
            )
        self.step_m = float(step_m)

    def add_to(
        self, parent: Element, name: str | None = None, index: int | None = None
    ) -> Self:
        """Add the control to `parent` (a ``folium.Map``) and return the control."""
        super().add_to(parent, name=name, index=index)
        return self

    def _map(self) -> folium.Map:
        parent = self._parent
        if not isinstance(parent, folium.Map):
            raise MeasureError("add the measure control to a folium.Map")
        name = parent.get_name()
        if _JS_NAME.fullmatch(name) is None:
            raise MeasureError(f"{name!r} is not a JavaScript variable name")
        return parent

    def _payload(self) -> str:
        """Everything the script needs, as script-safe JSON."""
        return script_json(
            {
                "map": self._map().get_name(),
                "position": self.position,
                "colour": self.colour,
                "step_m": self.step_m,
                "nm_m": NM_M,
                "text": _TEXT,
            }
        )

    # branca's Element.render is typed "-> str", but MacroElement.render returns None
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Check the map, then render the style, the geodesy and the script."""
        self._map()
        super().render(**kwargs)  # type: ignore[no-untyped-call]
