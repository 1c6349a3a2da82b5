/**
 * Grade reports in three shapes: CSV (one row per submission, then the class summary), HTML (a
 * self-contained page: summary first, then every student with each goal, message and hint) and
 * xlsx (sheets "Students", "Summary" and "Details"; OOXML written here, zipped by fflate).
 */
import { strToU8, zipSync } from 'fflate';
import type { AssignmentFile } from './schema.ts';
import type { ClassSummary, Grade, GradeStatus } from './grade.ts';
import { classSummary } from './grade.ts';
import type { GoalResult } from './goals.ts';

/** Report language. */
export type ReportLang = 'en' | 'zh';

type Cell = string | number;

const T = {
  en: {
    file: 'file',
    student: 'student',
    seed: 'seed',
    status: 'status',
    points: 'points',
    max: 'max',
    reason: 'reason',
    goal: 'goal',
    failed: 'failed',
    graded: 'graded',
    common: 'most common failure',
    summary: 'Class summary',
    students: 'Students',
    details: 'Details',
    result: 'result',
    message: 'message',
    hint: 'hint',
    lab: 'real kernel',
    average: 'average',
    submissions: 'submissions',
    pass: 'pass',
    fail: 'fail',
  },
  zh: {
    file: '文件',
    student: '学生',
    seed: '种子',
    status: '状态',
    points: '得分',
    max: '满分',
    reason: '原因',
    goal: '目标',
    failed: '未通过',
    graded: '已评分',
    common: '最常见的失败原因',
    summary: '全班汇总',
    students: '学生',
    details: '明细',
    result: '结果',
    message: '说明',
    hint: '提示',
    lab: '真实内核',
    average: '平均分',
    submissions: '提交数',
    pass: '通过',
    fail: '未通过',
  },
} as const;

const STATUS: Record<ReportLang, Record<GradeStatus, string>> = {
  en: {
    graded: 'graded',
    malformed: 'malformed',
    'wrong-assignment': 'wrong assignment',
    'wrong-seed': 'wrong seed',
    timeout: 'lab timeout',
    'lab-error': 'lab error',
  },
  zh: { graded: '已评分', malformed: '文件损坏', 'wrong-assignment': '作业不符', 'wrong-seed': '种子不符', timeout: '实验超时', 'lab-error': '实验出错' },
};

function goalCell(r: GoalResult | undefined, lang: ReportLang): string {
  if (!r) return '';
  const word = r.passed ? T[lang].pass : T[lang].fail;
  const lab = r.lab && r.lab.status !== 'not-run' ? ` (${T[lang].lab}: ${r.lab.status})` : '';
  return `${word}${lab}`;
}

/** The per-student table (header row first). */
export function studentRows(a: AssignmentFile, grades: readonly Grade[], lang: ReportLang = 'en'): Cell[][] {
  const t = T[lang];
  const ids = a.goals.map((g) => g.id);
  const head: Cell[] = [t.file, t.student, t.seed, t.status, t.points, t.max, ...ids, t.reason];
  const rows = grades.map((g): Cell[] => [
    g.file,
    g.student ?? '',
    g.seed ?? '',
    STATUS[lang][g.status],
    g.points,
    g.maxPoints,
    ...ids.map((id) =>
      goalCell(
        g.goals.find((x) => x.id === id),
        lang,
      ),
    ),
    g.reason?.[lang] ?? '',
  ]);
  return [head, ...rows];
}

/** The class summary table: goals, most failed first. */
export function summaryRows(s: ClassSummary, lang: ReportLang = 'en'): Cell[][] {
  const t = T[lang];
  return [
    [t.goal, lang === 'en' ? 'title' : '标题', t.points, t.graded, t.failed, t.common],
    ...s.goals.map((g): Cell[] => [g.id, g.title[lang], g.points, g.graded, g.failed, g.commonFailure?.[lang] ?? '']),
  ];
}

/** One row per student and goal: result, message, hint (what a student reads back). */
export function detailRows(grades: readonly Grade[], lang: ReportLang = 'en'): Cell[][] {
  const t = T[lang];
  const rows: Cell[][] = [[t.file, t.student, t.goal, t.result, t.points, t.message, t.hint, t.lab]];
  for (const g of grades)
    for (const r of g.goals)
      rows.push([
        g.file,
        g.student ?? '',
        r.id,
        r.passed ? t.pass : t.fail,
        r.awarded,
        r.message[lang],
        r.passed ? '' : r.hint[lang],
        r.lab ? r.lab.message[lang] : '',
      ]);
  return rows;
}

const csvCell = (c: Cell): string => {
  const s = String(c);
  // A leading = + - @ would be a formula to a spreadsheet: quote it as text.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** CSV: the student table, an empty line, then the class summary (UTF-8, with a BOM for spreadsheets). */
export function reportCsv(a: AssignmentFile, grades: readonly Grade[], lang: ReportLang = 'en'): string {
  const lines = (rows: Cell[][]): string => rows.map((r) => r.map(csvCell).join(',')).join('\r\n');
  return `\ufeff${lines(studentRows(a, grades, lang))}\r\n\r\n${lines(summaryRows(classSummary(a, grades), lang))}\r\n`;
}

const esc = (s: Cell): string => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function table(rows: Cell[][]): string {
  const [head, ...body] = rows;
  return `<table><thead><tr>${head!.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${body
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('\n')}</tbody></table>`;
}

/** A self-contained HTML report (no scripts, no external resources). */
export function reportHtml(a: AssignmentFile, grades: readonly Grade[], lang: ReportLang = 'en'): string {
  const t = T[lang];
  const s = classSummary(a, grades);
  const statusLine = (Object.entries(s.byStatus) as [GradeStatus, number][])
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${STATUS[lang][k]}: ${n}`)
    .join(' · ');
  const perStudent = grades
    .map((g) => {
      const head = `<h3>${esc(g.student ?? g.seed ?? g.file)} — ${g.points} / ${g.maxPoints} <small>(${esc(STATUS[lang][g.status])}, ${esc(g.file)})</small></h3>`;
      const reason = g.reason ? `<p class="reason">${esc(g.reason[lang])}</p>` : '';
      const items = g.goals
        .map(
          (r) =>
            `<li class="${r.passed ? 'pass' : 'fail'}"><b>${r.passed ? '✓' : '✗'} ${esc(r.title[lang])}</b> (${r.awarded}/${r.points}) — ${esc(r.message[lang])}${
              r.lab && r.lab.status !== 'not-run' ? ` <i>[${esc(t.lab)}: ${esc(r.lab.message[lang])}]</i>` : ''
            }${r.passed ? '' : `<br><span class="hint">${esc(t.hint)}: ${esc(r.hint[lang])}</span>`}</li>`,
        )
        .join('\n');
      return `<section>${head}${reason}<ul>${items}</ul></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${esc(a.title[lang])}</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5em;max-width:70em}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left;vertical-align:top}th{background:#eee}.pass{color:#176b2c}.fail{color:#a11}.hint{color:#555}.reason{color:#a11}</style></head>
<body><h1>${esc(a.title[lang])}</h1>
<h2>${esc(t.summary)}</h2><p>${esc(t.submissions)}: ${s.submissions} · ${esc(statusLine)} · ${esc(t.average)}: ${s.averagePoints.toFixed(1)} / ${s.maxPoints}</p>
${table(summaryRows(s, lang))}
<h2>${esc(t.students)}</h2>
${table(studentRows(a, grades, lang))}
<h2>${esc(t.details)}</h2>
${perStudent}
</body></html>
`;
}

/** XML 1.0 allows no control characters but tab, newline and carriage return. */
const xmlChars = (s: string): string =>
  [...s]
    .filter((c) => {
      const n = c.charCodeAt(0);
      return n >= 0x20 || n === 0x09 || n === 0x0a || n === 0x0d;
    })
    .join('');

const xmlEsc = (s: string): string => xmlChars(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Column letters of a 0-based index (0 → A, 26 → AA). */
export function columnName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function sheetXml(rows: Cell[][]): string {
  const body = rows
    .map((r, ri) => {
      const cells = r
        .map((c, ci) => {
          const ref = `${columnName(ci)}${ri + 1}`;
          const style = ri === 0 ? ' s="1"' : '';
          return typeof c === 'number' && Number.isFinite(c)
            ? `<c r="${ref}"${style}><v>${c}</v></c>`
            : `<c r="${ref}" t="inlineStr"${style}><is><t xml:space="preserve">${xmlEsc(String(c))}</t></is></c>`;
        })
        .join('');
      return `<row r="${ri + 1}">${cells}</row>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>${body}</sheetData></worksheet>`;
}

/** An xlsx workbook of named sheets (first row bold, frozen). Minimal SpreadsheetML with inline strings. */
export function xlsxWorkbook(sheets: readonly { name: string; rows: Cell[][] }[]): Uint8Array {
  const ct = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>${sheets
    .map(
      (_, i) =>
        `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
    )
    .join('')}</Types>`;
  const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
  const wb = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${sheets
    .map((s, i) => `<sheet name="${xmlEsc(s.name.slice(0, 31))}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join('')}</sheets></workbook>`;
  const wbRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
    .map(
      (_, i) =>
        `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
    )
    .join(
      '',
    )}<Relationship Id="rId${sheets.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`;
  const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(ct),
    '_rels/.rels': strToU8(rels),
    'xl/workbook.xml': strToU8(wb),
    'xl/_rels/workbook.xml.rels': strToU8(wbRels),
    'xl/styles.xml': strToU8(styles),
  };
  sheets.forEach((s, i) => (files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(sheetXml(s.rows))));
  // A fixed time stamp keeps the file byte-for-byte reproducible.
  return zipSync(files, { level: 6, mtime: new Date('2020-01-01T00:00:00Z') });
}

/** The xlsx report: sheets Students, Summary, Details. */
export function reportXlsx(a: AssignmentFile, grades: readonly Grade[], lang: ReportLang = 'en'): Uint8Array {
  const t = T[lang];
  return xlsxWorkbook([
    { name: t.students, rows: studentRows(a, grades, lang) },
    { name: t.summary, rows: summaryRows(classSummary(a, grades), lang) },
    { name: t.details, rows: detailRows(grades, lang) },
  ]);
}
