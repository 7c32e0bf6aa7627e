/**
 * The files an application carries (申请材料), as data: each kind's accepted types and limits, and which
 * kinds each matter needs for each profession (../shared/catalogue.md "Documents each matter needs", from
 * 004 and Hunan's 附件材料 tab; 001's signature image; 002's PDF scans). The BFF enforces these at upload
 * and before signing; the miniapp shows each with its state and the same hints.
 */
import { isLateRegistration } from './forms.js';
import { PROFESSION_RULES, type Profession, type RegistrationType } from './professions.js';

export const DOCUMENT_KINDS = [
  'photo',
  'signature',
  'evidence',
  'qualification_certificate',
  'qualification_scan',
  'diploma',
  'work_proof',
  'employment_contract',
  'ce_proof',
  'contract_ended',
  'loss_statement',
  'damaged_certificate',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export type DocumentContentType = 'image/jpeg' | 'image/png' | 'application/pdf';

export interface DocumentRule {
  label: string;
  types: readonly DocumentContentType[];
  maxBytes: number;
  /** What the person is told when a file is refused or missing. */
  hint: string;
  /** Pixel bounds of an image kind (the signature image). */
  pixels?: { minWidth: number; maxWidth: number; minHeight: number; maxHeight: number };
}

const MB = 1024 * 1024;
const ANY = ['application/pdf', 'image/jpeg', 'image/png'] as const;
const PDF = ['application/pdf'] as const;
const anyFile = (label: string): DocumentRule => ({ label, types: ANY, maxBytes: 2 * MB, hint: `请上传${label}：PDF、JPG 或 PNG 格式，不超过 2 MB` });

/**
 * What each kind accepts. A PDF is parsed (not only its name or first bytes) and refused when encrypted or
 * carrying JavaScript; the photo must be a JPEG or PNG that can be embedded in the PDFs; the signature image
 * a PNG on a transparent or white background (001: 注册证书个人签名).
 */
export const DOCUMENT_RULES: Record<DocumentKind, DocumentRule> = {
  photo: { label: '本人照片', types: ['image/jpeg', 'image/png'], maxBytes: 2 * MB, hint: '请上传 JPG 或 PNG 格式的本人近期证件照，不超过 2 MB' },
  signature: {
    label: '注册证书个人签名',
    types: ['image/png'],
    maxBytes: 200 * 1024,
    pixels: { minWidth: 120, maxWidth: 1600, minHeight: 40, maxHeight: 800 },
    hint: '请上传 PNG 格式的本人签名图片：透明或白色背景，宽 120-1600 像素、高 40-800 像素，不超过 200 KB',
  },
  evidence: { label: '变更证明材料', types: ANY, maxBytes: 2 * MB, hint: '请上传 PDF、JPG 或 PNG 格式的证明材料，不超过 2 MB' },
  qualification_certificate: anyFile('资格证书'),
  qualification_scan: { label: '外省市资格证书扫描件', types: PDF, maxBytes: 2 * MB, hint: '外省市签发的资格证书须上传扫描件：仅限 PDF 格式，不超过 2 MB' },
  diploma: anyFile('学历证书'),
  work_proof: anyFile('从业证明'),
  employment_contract: anyFile('劳动合同'),
  ce_proof: { label: '继续教育证明', types: PDF, maxBytes: 2 * MB, hint: '请上传继续教育证明：仅限 PDF 格式，不超过 2 MB' },
  contract_ended: anyFile('原劳动合同解除（或退休）证明'),
  loss_statement: anyFile('证书遗失声明'),
  damaged_certificate: anyFile('污损证书照片或扫描件'),
};

/** All files of one application together: at most this many bytes (each file also has its own limit). */
export const APPLICATION_DOCUMENTS_MAX_BYTES = 12 * MB;

export function isDocumentKind(kind: string): kind is DocumentKind {
  return (DOCUMENT_KINDS as readonly string[]).includes(kind);
}

/** When a listed document is needed: always, for a late registration, for a qualification from outside the province, for a change of employer, for a lost or a damaged certificate (replacement). */
export type DocumentCondition = 'always' | 'late' | 'out_of_province' | 'employer_change' | 'certificate_lost' | 'certificate_damaged';

/**
 * The evidence documents of each matter (catalogue "Documents each matter needs"). The application form
 * itself is generated and signed; the ID card is the real-name record's; the current certificate is the
 * register's: none of those is uploaded again.
 */
export const MATTER_DOCUMENTS: Record<RegistrationType, readonly { kind: DocumentKind; when: DocumentCondition; required?: true }[]> = {
  initial: [
    { kind: 'qualification_certificate', when: 'always' },
    { kind: 'diploma', when: 'always' },
    { kind: 'work_proof', when: 'always' },
    { kind: 'employment_contract', when: 'always' },
    { kind: 'ce_proof', when: 'late' },
  ],
  add_specialty: [
    { kind: 'qualification_certificate', when: 'always' },
    { kind: 'ce_proof', when: 'late' },
  ],
  renewal: [
    { kind: 'employment_contract', when: 'always' },
    { kind: 'work_proof', when: 'always' },
    { kind: 'ce_proof', when: 'always' },
  ],
  cancellation: [],
  change: [
    { kind: 'contract_ended', when: 'employer_change' },
    { kind: 'employment_contract', when: 'employer_change' },
  ],
  paper_exchange: [],
  // re-registration: as initial, with continuing education (catalogue); offered only where the province has the
  // 附件材料 tab (003, 004), so `required` whatever the profession's evidenceDocuments
  reregistration: [
    { kind: 'qualification_certificate', when: 'always', required: true },
    { kind: 'diploma', when: 'always', required: true },
    { kind: 'work_proof', when: 'always', required: true },
    { kind: 'employment_contract', when: 'always', required: true },
    { kind: 'ce_proof', when: 'always', required: true },
  ],
  // 遗失补办或污损更换 (003 §3.2.3.4, 004): the loss statement, or the damaged certificate
  replacement: [
    { kind: 'loss_statement', when: 'certificate_lost', required: true },
    { kind: 'damaged_certificate', when: 'certificate_damaged', required: true },
  ],
  // temporary constructors (003 §3.2.3.8-11): the forms have a 附件材料 tab, but the seed names no document in it
  // (the ID card it mentions is the real-name record's), so none is asked for
  temporary_transfer: [],
  temporary_extension: [],
  temporary_cancellation: [],
};

/** One document an application needs or may carry, with its state (ApplicationView.requiredDocuments). */
export interface DocumentRequirement {
  kind: DocumentKind;
  label: string;
  /** Must be uploaded before the applicant signs (files the application). */
  required: boolean;
  state: 'missing' | 'uploaded';
  types: readonly DocumentContentType[];
  maxBytes: number;
  hint: string;
}

/** The facts of a saved form the conditions read, whatever the profession's form shape. */
export interface DocumentFacts {
  /** Some qualification is late (more than lateAfterYears after its issue date) on the application date. */
  late: boolean;
  /** The qualification was issued outside the province (002: typed by hand, with a scan). */
  outOfProvince: boolean;
  /** A change application that changes the employer. */
  employerChange: boolean;
  /** A replacement's cause (form `cause`): the certificate was lost, or damaged. */
  certificateLost?: boolean;
  certificateDamaged?: boolean;
}

/** Reads DocumentFacts from a saved form (any profession's shape; null = not saved yet). `today` is the application date. */
export function documentFacts(profession: Profession, form: unknown, today: Date): DocumentFacts {
  const f = (form ?? {}) as {
    specialties?: { issueDate?: unknown }[];
    qualification?: { issueDate?: unknown; issuedIn?: unknown };
    kind?: unknown;
    cause?: unknown;
  };
  const dates = [...(Array.isArray(f.specialties) ? f.specialties.map((s) => s?.issueDate) : []), f.qualification?.issueDate].filter((d): d is string => typeof d === 'string');
  return {
    late: dates.some((d) => isLateRegistration(d, today, profession)),
    outOfProvince: f.qualification?.issuedIn === 'elsewhere',
    employerChange: f.kind === 'employer',
    certificateLost: f.cause === 'lost',
    certificateDamaged: f.cause === 'damaged',
  };
}

/**
 * Every document an application of `type` needs or may carry, with its state: the matter's evidence list
 * (required when the profession's rules say so and its condition holds), the photo (required where the
 * matter needs it), the signature image (cost engineers; required on an initial registration), the
 * out-of-province qualification scan and the continuing-education proof (architects).
 */
export function documentRequirements(
  profession: Profession,
  type: RegistrationType,
  facts: DocumentFacts,
  uploaded: readonly string[],
  opts: { photoRequired: boolean; evidenceRequired: boolean },
): DocumentRequirement[] {
  const rules = PROFESSION_RULES[profession];
  const out = new Map<DocumentKind, boolean>();
  const add = (kind: DocumentKind, required: boolean) => out.set(kind, (out.get(kind) ?? false) || required);
  add('photo', opts.photoRequired);
  if (rules.signatureImage && ['initial', 'add_specialty', 'renewal'].includes(type)) add('signature', type === 'initial');
  if (opts.evidenceRequired) add('evidence', true);
  const holds = (when: DocumentCondition) =>
    when === 'always' || (when === 'late' && facts.late) || (when === 'out_of_province' && facts.outOfProvince) || (when === 'employer_change' && facts.employerChange) ||
    (when === 'certificate_lost' && facts.certificateLost === true) || (when === 'certificate_damaged' && facts.certificateDamaged === true);
  for (const d of MATTER_DOCUMENTS[type]) {
    if (d.when !== 'always' && !holds(d.when)) continue;
    add(d.kind, d.required === true || rules.evidenceDocuments === 'required');
  }
  if (rules.qualificationOrigin === 'province_or_scan' && facts.outOfProvince && (type === 'initial' || type === 'add_specialty')) add('qualification_scan', true);
  if (rules.continuingEducationProof && facts.late && (type === 'initial' || type === 'add_specialty')) add('ce_proof', true);
  // a file uploaded that the list does not name is still shown (e.g. a scan kept after the form changed)
  for (const k of uploaded) if (isDocumentKind(k) && !out.has(k)) out.set(k, false);
  return [...out].map(([kind, required]) => ({
    kind,
    label: DOCUMENT_RULES[kind].label,
    required,
    state: uploaded.includes(kind) ? 'uploaded' : 'missing',
    types: DOCUMENT_RULES[kind].types,
    maxBytes: DOCUMENT_RULES[kind].maxBytes,
    hint: DOCUMENT_RULES[kind].hint,
  }));
}
