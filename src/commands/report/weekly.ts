import { reportCommand } from '../../report/command.js'

export default reportCommand('weekly', 'The weekly report (周报): Monday to Sunday (default the last full week)')
