/**
 * The console's list of rooms: those the presenter administers (by label when they gave one), the
 * ones they opened recently, and for the server admin every room open on the relay now. A room
 * prefix they administer (`course-101/*`) is not a room: picking it starts the room name in the
 * "Open" form, since every room under it is theirs. A presenter the server allows gets "New room"
 * (POST /rooms); anyone else is told why they do not.
 */
import type { Caller, SharedRoom } from 'lectern/client'
import { h, replaceChildren } from '../dom.js'
import type { Presenter } from './sign-in.js'

const RECENT_LIMIT = 20

export class RoomList {
  readonly element: HTMLElement
  private readonly list = h('ul', { className: 'room-list' })
  private readonly prefixes = h('ul', { className: 'prefix-list' })
  private readonly name = h('input', { type: 'text', name: 'room', required: true, placeholder: 'course-101/week-3', spellcheck: false })
  /** The rooms (not prefixes) this presenter administers, with their labels where they gave one. */
  private readonly administered = new Map<string, string | undefined>()
  private live = new Map<string, number>()
  private current: string | undefined

  constructor(private readonly presenter: Presenter, private readonly opened: (room: string, label: string | undefined) => void) {
    for (const { room, label } of presenter.administered) if (!isPrefix(room)) this.administered.set(room, label)
    this.showPrefixes(presenter.administered.filter((shared) => isPrefix(shared.room)))
    const openForm = h('form', { className: 'open-room' }, h('label', null, 'Room', this.name), h('button', { type: 'submit' }, 'Open'))
    openForm.addEventListener('submit', (event) => {
      event.preventDefault()
      const room = this.name.value.trim()
      this.name.value = ''
      if (room) this.open(room)
    })
    this.element = h('nav', { className: 'card rooms' }, h('h2', null, 'Rooms'), this.list, this.prefixes, openForm, this.newRoom(presenter))
    this.render()
  }

  /** The rooms open on the relay now, with their sessions (the server admin's poll). */
  showLive(rooms: ReadonlyArray<{ room: string; sessions: number }>): void {
    this.live = new Map(rooms.map(({ room, sessions }) => [room, sessions]))
    this.render()
  }

  open(room: string): void {
    this.current = room
    const recent = [room, ...this.recent().filter((other) => other !== room)].slice(0, RECENT_LIMIT)
    localStorage.setItem(this.recentKey(), JSON.stringify(recent))
    this.render()
    this.opened(room, this.administered.get(room))
  }

  private render(): void {
    const names = [...new Set([...this.live.keys(), ...this.administered.keys(), ...this.recent()])]
    replaceChildren(this.list, ...names.map((room) => {
      const sessions = this.live.get(room)
      const label = this.administered.get(room)
      const button = h(
        'button',
        { type: 'button', className: room === this.current ? 'room current' : 'room', data: { room } },
        label ? h('span', { className: 'room-label' }, label) : null,
        h('span', { className: 'room-name' }, room),
        sessions ? h('span', { className: 'live-count' }, ` · ${sessions} connected`) : null,
      )
      button.addEventListener('click', () => this.open(room))
      return h('li', null, button)
    }))
  }

  private showPrefixes(prefixes: readonly SharedRoom[]): void {
    replaceChildren(this.prefixes, ...prefixes.map(({ room }) => {
      const start = room.slice(0, -1)
      const button = h('button', { type: 'button', className: 'prefix', data: { prefix: room } }, h('span', { className: 'room-name' }, room), h('span', { className: 'hint' }, 'every room under it'))
      // Which rooms exist under a prefix is not listed by the API: the presenter names the one they want.
      button.addEventListener('click', () => {
        this.name.value = start
        this.name.focus()
      })
      return h('li', null, button)
    }))
  }

  private newRoom({ api, caller }: Presenter): HTMLElement | null {
    if (caller.kind === 'admin') return null
    if (!caller.mayOpenRooms) return h('p', { className: 'hint cannot-open' }, refusal(caller))
    const label = h('input', { type: 'text', name: 'label', maxLength: 200, placeholder: 'optional, e.g. Intro to Yjs' })
    const problem = h('p', { className: 'error', role: 'alert', hidden: true })
    const button = h('button', { type: 'submit' }, 'New room')
    const form = h('form', { className: 'new-room' }, h('label', null, 'Label of a new room', label), button, problem)
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      button.disabled = true
      const named = label.value.trim()
      api.createRoom(named ? { label: named } : {}).then(
        ({ room }) => {
          problem.hidden = true
          label.value = ''
          this.administered.set(room, named || undefined)
          this.open(room)
        },
        (error: Error) => {
          problem.hidden = false
          problem.textContent = `Could not open a room: ${error.message}`
        },
      ).finally(() => (button.disabled = false))
    })
    return form
  }

  private recent(): string[] {
    try {
      const stored: unknown = JSON.parse(localStorage.getItem(this.recentKey()) ?? '[]')
      return Array.isArray(stored) ? stored.filter((room): room is string => typeof room === 'string') : []
    } catch {
      return []
    }
  }

  /** Each presenter's own recent rooms: another credential on this browser does not see them. */
  private recentKey(): string {
    return `lectern.present.rooms:${this.presenter.caller.subject ?? 'admin'}`
  }
}

function isPrefix(room: string): boolean {
  return room.endsWith('/*')
}

function refusal(caller: Caller): string {
  if (caller.kind === 'guest') return 'Guests cannot open rooms of their own: sign in with an identity token for that.'
  return 'This server does not let you open rooms of your own (its operator allows presenters with --room-creators).'
}
