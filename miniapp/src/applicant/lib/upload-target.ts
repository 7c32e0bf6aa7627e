/**
 * Where an application's photo or evidence goes up: the person's own route, or, for a draft the enterprise
 * files for them (issue 10, opened by the form page in employer mode), PUT|POST
 * /api/enterprise/filings/:id/documents/:kind. The form page marks such an application with `uploadAsEmployer`.
 */
const employerFilings = new Set<string>()

export function uploadAsEmployer(applicationId: string) {
  employerFilings.add(applicationId)
}

export function documentUploadPath(applicationId: string, kind: string): string {
  return employerFilings.has(applicationId) ? `/api/enterprise/filings/${applicationId}/documents/${kind}` : `/api/applications/${applicationId}/documents/${kind}`
}
