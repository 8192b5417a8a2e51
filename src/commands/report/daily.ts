import { reportCommand } from '../../report/command.js'

export default reportCommand('daily', 'The daily report (日报): one day (default yesterday)')
