/// <reference lib="dom" />
/**
 * Reads a QR code on a page: the page draws what it shows (the SVG) onto a canvas, and ZXing, a
 * decoder that shares nothing with the encoder the console uses, reads the pixels: format, error
 * correction, data. A QR code that only looks right fails here. ZXing is told the image is the
 * code alone (PURE_BARCODE): its finder-pattern search misses now and then even on a perfect
 * synthetic image (about one in ten), which would make the test fail for ZXing's sake.
 */
import { BinaryBitmap, DecodeHintType, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library'
import type { Locator } from 'playwright-core'

/** Pixels per module, and a white margin around the code like the page's around the SVG. */
const SCALE = 8
const MARGIN = 32

export async function readQrCode(svg: Locator): Promise<string> {
  const { size, gray } = await svg.evaluate(async (element, { scale, margin }) => {
    const modules = (element as SVGSVGElement).viewBox.baseVal.width
    const size = modules * scale + 2 * margin
    const image = new Image()
    image.src = `data:image/svg+xml;base64,${btoa(new XMLSerializer().serializeToString(element))}`
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = canvas.height = size
    const context = canvas.getContext('2d')!
    context.fillStyle = '#fff'
    context.fillRect(0, 0, size, size)
    context.drawImage(image, margin, margin, modules * scale, modules * scale)
    const { data } = context.getImageData(0, 0, size, size)
    const gray: number[] = []
    for (let at = 0; at < data.length; at += 4) gray.push(Math.round((data[at]! + data[at + 1]! + data[at + 2]!) / 3))
    return { size, gray }
  }, { scale: SCALE, margin: MARGIN })
  const source = new RGBLuminanceSource(Uint8ClampedArray.from(gray), size, size)
  const hints = new Map([[DecodeHintType.PURE_BARCODE, true]])
  return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints).getText()
}
