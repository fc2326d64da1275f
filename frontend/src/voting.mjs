// Conversations: keyboard voting and focus after an htmx vote.
// Progressive enhancement: without this file every vote is a plain form POST.
//
// A, D and P press the Agree, Disagree and Pass buttons, unless focus is in a
// text field (so typing a statement never votes). After htmx swaps in the next
// statement, focus moves to it, so keyboard and screen-reader users continue
// from the new statement rather than from the top of the page.

const KEYS = { a: "agree", d: "disagree", p: "pass" };

function isTyping(element) {
  if (!element) return false;
  const tag = element.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
}

const help = document.getElementById("voting-keys-help");
if (help) help.hidden = false;

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
  if (isTyping(event.target)) return;
  const vote = KEYS[event.key.toLowerCase()];
  if (!vote) return;
  const button = document.querySelector(`#voting-area button[data-vote="${vote}"]`);
  if (!button || button.disabled) return;
  event.preventDefault();
  button.click();
});

document.addEventListener("htmx:afterSwap", (event) => {
  if (event.target && event.target.id === "voting-area") {
    const statement = document.getElementById("statement");
    if (statement) statement.focus();
  }
});
