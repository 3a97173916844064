/// <reference lib="dom" />
/**
 * Reads a QR code on a page as a phone's camera would: the page draws what it shows (the SVG) onto
 * a canvas, and ZXing, a decoder that shares nothing with the encoder the console uses, reads the
 * pixels. A QR code that only looks right fails here.
 */
import { BinaryBitmap, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library'
import type { Locator } from 'playwright-core'

const PIXELS = 300

export async function readQrCode(svg: Locator): Promise<string> {
  const gray = await svg.evaluate(async (element, size) => {
    const image = new Image()
    image.src = `data:image/svg+xml;base64,${btoa(new XMLSerializer().serializeToString(element))}`
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = canvas.height = size
    const context = canvas.getContext('2d')!
    context.drawImage(image, 0, 0, size, size)
    const { data } = context.getImageData(0, 0, size, size)
    const luminance: number[] = []
    for (let at = 0; at < data.length; at += 4) luminance.push(Math.round((data[at]! + data[at + 1]! + data[at + 2]!) / 3))
    return luminance
  }, PIXELS)
  const source = new RGBLuminanceSource(Uint8ClampedArray.from(gray), PIXELS, PIXELS)
  return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source))).getText()
}
