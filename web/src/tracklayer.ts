// The tracks drawn by the map itself: one custom WebGL layer for every track symbol, cluster
// cell and halo, instead of GeoJSON sources and symbol layers.
//
// Why: a GeoJSON source re-tiles its data in the worker after each setData and each tile that
// comes back asks for a frame, then symbol placement asks for one more; two or more whole
// frames per batch, each ~200 ms of the GPU process with software GL. Here a batch is one
// buffer upload and one frame, drawn in the frame after it arrives (no worker round trip).
//
// Sprites (milsymbol symbols, cluster counts, halos) are drawn on canvases once per distinct
// image and packed into one atlas texture; each mark is an instance of a unit quad placed at
// its Web Mercator position, offset in screen pixels. Hit testing (clicks, the pointer) is done
// here too, on the same positions and sprite sizes.
import { MercatorCoordinate } from 'maplibre-gl';
import type { CustomLayerInterface, CustomRenderMethodInput, Map as MapLibre, PointLike } from 'maplibre-gl';

/** An image for the atlas: RGBA pixels drawn at `ratio` device pixels per CSS pixel. */
export interface Sprite {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  /** CSS pixels from the point to the sprite's centre (the symbol's anchor on the point). */
  offset: [number, number];
}

/** One thing to draw: a sprite at a position; `id` when it is a track (for hit testing). */
export interface Mark {
  lon: number;
  lat: number;
  sprite: string;
  id?: string;
}

interface Slot {
  x: number;
  y: number;
  width: number;
  height: number;
  offset: [number, number];
}

/** The atlas is this wide, and starts this high, doubling up to MAX_ATLAS_HEIGHT as sprites
 * need it (300 labelled symbols with 20-character labels take about 2048 × 3000). */
const ATLAS_WIDTH = 2048;
const ATLAS_HEIGHT = 1024;
const MAX_ATLAS_HEIGHT = 4096;
const PAD = 1;
/** Floats per instance: mercator x, y; atlas x, y, w, h; offset x, y. */
const STRIDE = 8;

const VERTEX = `#version 300 es
uniform mat4 u_matrix;
uniform vec2 u_viewport;
uniform float u_ratio;
uniform vec2 u_atlas_size;
in vec2 a_corner;
in vec2 a_pos;
in vec4 a_tex;
in vec2 a_offset;
out vec2 v_uv;
void main() {
  vec4 p = u_matrix * vec4(a_pos, 0.0, 1.0);
  vec2 px = (a_corner - 0.5) * (a_tex.zw / u_ratio) + a_offset;
  p.xy += vec2(px.x, -px.y) * 2.0 / u_viewport * p.w;
  gl_Position = p;
  v_uv = (a_tex.xy + a_corner * a_tex.zw) / u_atlas_size;
}`;

const FRAGMENT = `#version 300 es
precision mediump float;
uniform sampler2D u_atlas;
in vec2 v_uv;
out vec4 color;
void main() {
  color = texture(u_atlas, v_uv);
}`;

export class TrackLayer implements CustomLayerInterface {
  readonly id: string;
  readonly type = 'custom' as const;
  readonly renderingMode = '2d' as const;
  private map: MapLibre | null = null;
  private program: WebGLProgram | null = null;
  private vao: WebGLVertexArrayObject | null = null;
  private instanceBuffer: WebGLBuffer | null = null;
  private texture: WebGLTexture | null = null;
  private uniforms: {
    matrix: WebGLUniformLocation | null;
    viewport: WebGLUniformLocation | null;
    ratio: WebGLUniformLocation | null;
    atlas: WebGLUniformLocation | null;
    atlasSize: WebGLUniformLocation | null;
  } | null = null;
  private atlasHeight = ATLAS_HEIGHT;
  /** The texture's height now (0: to be made at the next frame). */
  private textureHeight = 0;
  private slots = new Map<string, Slot>();
  /** Sprites drawn since the last frame, to copy into the texture. */
  private uploads: Array<{ slot: Slot; data: Uint8ClampedArray }> = [];
  private shelf = { x: 0, y: 0, height: 0 };
  /** Counts the atlas's fresh starts. */
  private generation = 0;
  /** While set, a full atlas is not started again (the sprite is left out). */
  private full = false;
  private instances = new Float32Array(0);
  private count = 0;
  private dirty = false;
  /** The marks with ids, for hit testing: mercator x, y and the slot. */
  private hits: Array<{ id: string; x: number; y: number; slot: Slot }> = [];

  constructor(
    id: string,
    /** Draws a sprite by name (null when it cannot be drawn; the mark is then left out). */
    private readonly draw: (name: string) => Sprite | null,
    /** Device pixels per CSS pixel the sprites are drawn at. */
    private readonly ratio: number,
  ) {
    this.id = id;
  }

  onAdd(map: MapLibre, gl: WebGL2RenderingContext): void {
    this.map = map;
    const program = gl.createProgram();
    for (const [type, source] of [[gl.VERTEX_SHADER, VERTEX], [gl.FRAGMENT_SHADER, FRAGMENT]] as const) {
      const shader = gl.createShader(type);
      if (!shader) throw new Error('tansiq: no shader');
      gl.shaderSource(shader, source);
      gl.compileShader(shader);
      gl.attachShader(program, shader);
    }
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`tansiq: track layer shaders: ${gl.getProgramInfoLog(program)}`);
    this.program = program;
    this.uniforms = {
      matrix: gl.getUniformLocation(program, 'u_matrix'),
      viewport: gl.getUniformLocation(program, 'u_viewport'),
      ratio: gl.getUniformLocation(program, 'u_ratio'),
      atlas: gl.getUniformLocation(program, 'u_atlas'),
      atlasSize: gl.getUniformLocation(program, 'u_atlas_size'),
    };
    this.vao = gl.createVertexArray();
    gl.bindVertexArray(this.vao);
    const corners = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, corners);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW);
    const corner = gl.getAttribLocation(program, 'a_corner');
    gl.enableVertexAttribArray(corner);
    gl.vertexAttribPointer(corner, 2, gl.FLOAT, false, 0, 0);
    this.instanceBuffer = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, this.instanceBuffer);
    const attribute = (name: string, size: number, offset: number) => {
      const at = gl.getAttribLocation(program, name);
      gl.enableVertexAttribArray(at);
      gl.vertexAttribPointer(at, size, gl.FLOAT, false, STRIDE * 4, offset * 4);
      gl.vertexAttribDivisor(at, 1);
    };
    attribute('a_pos', 2, 0);
    attribute('a_tex', 4, 2);
    attribute('a_offset', 2, 6);
    gl.bindVertexArray(null);
    this.texture = gl.createTexture();
    this.textureHeight = 0;
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    // Sprites drawn before the layer was added (or before a lost context came back).
    this.uploads = [];
    const names = [...this.slots.keys()];
    this.slots.clear();
    this.shelf = { x: 0, y: 0, height: 0 };
    for (const name of names) this.slot(name);
    this.dirty = true;
  }

  onRemove(_map: MapLibre, gl: WebGL2RenderingContext): void {
    gl.deleteProgram(this.program);
    gl.deleteVertexArray(this.vao);
    gl.deleteBuffer(this.instanceBuffer);
    gl.deleteTexture(this.texture);
    this.map = null;
  }

  /** Replaces what the layer draws, in drawing order (later marks on top), and asks for a frame. */
  setMarks(marks: Mark[]): void {
    const generation = this.generation;
    this.fill(marks);
    // The atlas was started again on the way: slots placed before that are gone.
    if (this.generation !== generation) {
      const again = this.generation;
      this.fill(marks);
      if (this.generation !== again) {
        // Even alone these sprites do not fit: keep the atlas, leave out what does not fit.
        this.full = true;
        this.fill(marks);
        this.full = false;
        console.warn(`tansiq: the track layer's sprites do not all fit its atlas; ${marks.length - this.count} left out`);
      }
    }
    this.dirty = true;
    this.map?.triggerRepaint();
  }

  private fill(marks: Mark[]): void {
    if (this.instances.length < marks.length * STRIDE) this.instances = new Float32Array(Math.max(marks.length, 64) * STRIDE * 2);
    const hits: typeof this.hits = [];
    let n = 0;
    for (const m of marks) {
      const slot = this.slot(m.sprite);
      if (!slot || !Number.isFinite(m.lon) || !Number.isFinite(m.lat)) continue;
      const { x, y } = MercatorCoordinate.fromLngLat([m.lon, m.lat]);
      const o = n * STRIDE;
      this.instances[o] = x;
      this.instances[o + 1] = y;
      this.instances[o + 2] = slot.x;
      this.instances[o + 3] = slot.y;
      this.instances[o + 4] = slot.width;
      this.instances[o + 5] = slot.height;
      this.instances[o + 6] = slot.offset[0];
      this.instances[o + 7] = slot.offset[1];
      if (m.id !== undefined) hits.push({ id: m.id, x, y, slot });
      n += 1;
    }
    this.count = n;
    this.hits = hits;
  }

  /** Forgets every sprite (a theme change draws them anew). */
  clearSprites(): void {
    this.generation += 1;
    this.slots.clear();
    this.uploads = [];
    this.shelf = { x: 0, y: 0, height: 0 };
  }

  /** The id of the topmost track whose symbol covers `point` (CSS pixels in the map), if any. */
  hit(point: PointLike): string | null {
    const map = this.map;
    if (!map || this.hits.length === 0) return null;
    const at = MercatorCoordinate.fromLngLat(map.unproject(point));
    // CSS pixels per mercator unit at this zoom (the world is 512 px wide at zoom 0).
    const scale = 512 * 2 ** map.getZoom();
    for (let i = this.hits.length - 1; i >= 0; i--) {
      const h = this.hits[i];
      const dx = (h.x - at.x) * scale + h.slot.offset[0];
      const dy = (h.y - at.y) * scale + h.slot.offset[1];
      // Within the symbol's box, but never less than a finger's width around the point.
      const halfW = Math.max(h.slot.width / this.ratio / 2, 8);
      const halfH = Math.max(h.slot.height / this.ratio / 2, 8);
      if (Math.abs(dx) <= halfW && Math.abs(dy) <= halfH) return h.id;
    }
    return null;
  }

  render(gl: WebGL2RenderingContext, options: CustomRenderMethodInput): void {
    if (!this.program || !this.uniforms || !this.map) return;
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    if (this.textureHeight !== this.atlasHeight) {
      // Made (or grown) empty; every sprite in it is among the uploads.
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, ATLAS_WIDTH, this.atlasHeight, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
      this.textureHeight = this.atlasHeight;
    }
    if (this.uploads.length > 0) {
      // Canvas pixels are straight alpha; the map blends premultiplied.
      gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, true);
      for (const { slot, data } of this.uploads) {
        gl.texSubImage2D(gl.TEXTURE_2D, 0, slot.x, slot.y, slot.width, slot.height, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      }
      gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
      this.uploads = [];
    }
    if (this.count === 0) return;
    gl.bindVertexArray(this.vao);
    if (this.dirty) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.instanceBuffer);
      gl.bufferData(gl.ARRAY_BUFFER, this.instances.subarray(0, this.count * STRIDE), gl.DYNAMIC_DRAW);
      this.dirty = false;
    }
    gl.useProgram(this.program);
    gl.uniformMatrix4fv(this.uniforms.matrix, false, options.defaultProjectionData.mainMatrix as Float32Array);
    const canvas = this.map.getCanvas();
    gl.uniform2f(this.uniforms.viewport, canvas.clientWidth || canvas.width, canvas.clientHeight || canvas.height);
    gl.uniform1f(this.uniforms.ratio, this.ratio);
    gl.uniform1i(this.uniforms.atlas, 0);
    gl.uniform2f(this.uniforms.atlasSize, ATLAS_WIDTH, this.atlasHeight);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.disable(gl.DEPTH_TEST);
    gl.disable(gl.STENCIL_TEST);
    gl.disable(gl.CULL_FACE);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, this.count);
    gl.bindVertexArray(null);
  }

  /** The atlas slot of a sprite, drawing and packing it the first time. */
  private slot(name: string): Slot | null {
    const known = this.slots.get(name);
    if (known) return known;
    const sprite = this.draw(name);
    if (!sprite || sprite.width === 0 || sprite.height === 0) return null;
    let place = this.place(sprite.width, sprite.height);
    if (!place && this.full) return null;
    if (!place) {
      // The atlas is full: it grows while it may, else it starts again (labels of tracks long
      // gone); either way what is still shown is drawn anew as the marks ask for it.
      if (this.atlasHeight < MAX_ATLAS_HEIGHT) this.atlasHeight *= 2;
      this.clearSprites();
      this.dirty = true;
      place = this.place(sprite.width, sprite.height);
      if (!place) return null;
    }
    const slot = { ...place, width: sprite.width, height: sprite.height, offset: sprite.offset };
    this.slots.set(name, slot);
    this.uploads.push({ slot, data: sprite.data });
    return slot;
  }

  /** Shelf packing: left to right, a new shelf when a row is full. */
  private place(width: number, height: number): { x: number; y: number } | null {
    if (width + PAD > ATLAS_WIDTH || height + PAD > this.atlasHeight) return null;
    if (this.shelf.x + width + PAD > ATLAS_WIDTH) this.shelf = { x: 0, y: this.shelf.y + this.shelf.height, height: 0 };
    if (this.shelf.y + height + PAD > this.atlasHeight) return null;
    const at = { x: this.shelf.x, y: this.shelf.y };
    this.shelf.x += width + PAD;
    this.shelf.height = Math.max(this.shelf.height, height + PAD);
    return at;
  }
}
