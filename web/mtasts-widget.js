// @ts-check
// The mtasts widget: one script tag registers <mtasts-check> and <mtasts-lint>.
//
//   <script type="module" src="https://<where dist/ is hosted>/mtasts-widget.js"></script>
//   <mtasts-check></mtasts-check>                      an input that checks any domain
//   <mtasts-check domain="example.com"></mtasts-check> a live badge for one domain
//   <mtasts-lint kind="policy"></mtasts-lint>          the offline paste linter
//
// Loading this script twice is harmless (define() leaves a defined tag alone); it defines no global
// names. The checker itself (WebAssembly) loads only when an element is visible or used. To register
// the elements under other tags, or in another registry, import widget-elements.mjs instead and call
// MtastsCheckElement.define(tag, registry) and MtastsLintElement.define(tag, registry).
import { MtastsCheckElement, MtastsLintElement } from './widget-elements.mjs';

MtastsCheckElement.define();
MtastsLintElement.define();
