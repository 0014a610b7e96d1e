// Progressive enhancement only: every page works without JavaScript.
// Relative imports resolve next to this file (static/js/ -> static/dist/), so they work under
// any STATIC_URL and with the production storage's hashed file names alike.
import { initAll as initGovukFrontend } from '../dist/govuk-frontend.min.js'
import { initAll as initMojFrontend } from '../dist/moj-frontend.min.js'

initGovukFrontend()
initMojFrontend()
