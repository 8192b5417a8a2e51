/**
 * Email over SMTP: the one file that imports nodemailer (loaded when an email channel sends).
 * Errors name the failing step (connect, login, recipients), never the password.
 */
import type { Config } from '../config/schema.js'
import { errorMessage } from '../core/errors.js'
import { DeliveryError } from './channels.js'
import type { AlertMessage } from './message.js'

type EmailChannel = Extract<Config['alerts']['channels'][number], { type: 'email' }>

export async function sendEmail(c: EmailChannel, m: AlertMessage, o: { password?: string; timeoutMs: number }): Promise<void> {
  const nodemailer = (await import('nodemailer')).default
  const transport = nodemailer.createTransport({
    host: c.host,
    port: c.port,
    secure: c.secure,
    auth: c.user ? { user: c.user, pass: o.password ?? '' } : undefined,
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    socketTimeout: o.timeoutMs,
  })
  try {
    await transport.sendMail({ from: c.from, to: c.to, subject: m.subject, text: m.text, html: m.html })
  } catch (err) {
    const e = err as Error & { code?: string; responseCode?: number; command?: string }
    const what = e.code === 'EAUTH' ? 'login refused' : e.code === 'ECONNECTION' || e.code === 'ETIMEDOUT' || e.code === 'ESOCKET' ? 'cannot connect' : e.code === 'EENVELOPE' ? 'recipients refused' : 'refused'
    throw new DeliveryError(`SMTP ${c.host}:${c.port} ${what}${e.responseCode ? ` (${e.responseCode})` : ''}: ${errorMessage(err).replace(/\s+/g, ' ').slice(0, 120)}`)
  } finally {
    transport.close()
  }
}
