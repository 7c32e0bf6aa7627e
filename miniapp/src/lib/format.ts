import dayjs from 'dayjs'

export function fmtDateTime(iso?: string | null) {
  return iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—'
}
export function fmtDate(iso?: string | null) {
  return iso ? dayjs(iso).format('YYYY-MM-DD') : '—'
}
export function today() {
  return dayjs().format('YYYY-MM-DD')
}
