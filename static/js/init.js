// Progressive enhancement only: every page works without JavaScript.
// Relative imports resolve next to this file (static/js/ -> static/dist/), so they work under
// any STATIC_URL and with the production storage's hashed file names alike.
import { createAll, initAll as initGovukFrontend } from '../dist/govuk-frontend.min.js'
import { FilterToggleButton, initAll as initMojFrontend } from '../dist/moj-frontend.min.js'

initGovukFrontend()
initMojFrontend()
// Not in MOJ Frontend's initAll: the queue's filter shows and hides below desktop width, so
// it is never fixed over the queue (WCAG 1.4.10, 2.4.11).
createAll(FilterToggleButton)
