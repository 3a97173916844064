/**
 * Builds DOM nodes from properties and children. The pages never assign markup strings: text goes
 * in as text nodes, and the only HTML that reaches the DOM is what sanitize.ts hands back as nodes.
 */

type Child = Node | string | number | null | undefined | false
type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'innerHTML' | 'outerHTML' | 'style'>> & {
  /** data-* attributes, set with setAttribute. */
  data?: Record<string, string>
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props<K> | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  if (props) {
    const { data, ...rest } = props
    Object.assign(element, rest)
    for (const [name, value] of Object.entries(data ?? {})) element.setAttribute(`data-${name}`, value)
  }
  append(element, children)
  return element
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)))
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren()
  append(parent, children)
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id)
  if (!element) throw new Error(`the page has no #${id}`)
  return element as T
}

/** Runs `fn` at most once per animation frame, however often it is asked for. */
export function coalesce(fn: () => void): () => void {
  let pending = false
  return () => {
    if (pending) return
    pending = true
    requestAnimationFrame(() => {
      pending = false
      fn()
    })
  }
}
