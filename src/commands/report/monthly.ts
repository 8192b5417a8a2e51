import { reportCommand } from '../../report/command.js'

export default reportCommand('monthly', 'The monthly report (月报): a calendar month (default the last full month)')
