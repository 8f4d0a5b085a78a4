/** The acrctl version, kept in step with package.json (a test checks). */
export const VERSION = '0.1.0';

/**
 * The project's home, the same domain the schemas' `$id` use (`https://acrctl.dev/schemas/…`): URL
 * paths below it mirror the repository's (`/docs/lints.md` is docs/lints.md, rendered as GitHub
 * renders Markdown, heading anchors included). SARIF's informationUri and helpUri link here.
 */
export const HOMEPAGE = 'https://acrctl.dev';
