/** A QR code for a link, drawn as an SVG path (uqr encodes; this only draws its modules). */
import { encode } from 'uqr'

const SVG = 'http://www.w3.org/2000/svg'

export function qrCode(text: string, label: string): SVGSVGElement {
  // The four-module quiet zone the QR standard asks for, so a phone finds the code on any background.
  const { size, data } = encode(text, { ecc: 'M', border: 4 })
  let path = ''
  data.forEach((row, y) => row.forEach((dark, x) => {
    if (dark) path += `M${x} ${y}h1v1h-1z`
  }))
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`)
  svg.setAttribute('class', 'qr')
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-label', label)
  svg.setAttribute('shape-rendering', 'crispEdges')
  const background = document.createElementNS(SVG, 'rect')
  background.setAttribute('width', String(size))
  background.setAttribute('height', String(size))
  background.setAttribute('fill', '#fff')
  const modules = document.createElementNS(SVG, 'path')
  modules.setAttribute('d', path)
  modules.setAttribute('fill', '#000')
  svg.append(background, modules)
  return svg
}
