// Browser entry of the panels. The panels themselves arrive with the extension's webviews; this
// bundle already loads the toolkit so the build and the CSP setup are exercised end to end.
import { provideVSCodeDesignSystem, vsCodeButton } from "@vscode/webview-ui-toolkit";

provideVSCodeDesignSystem().register(vsCodeButton());
