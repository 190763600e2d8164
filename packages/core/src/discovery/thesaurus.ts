import { stemWord } from "./tokenize.ts";

/**
 * A general thesaurus of the words people use for what software APIs do. A query word brings in
 * the other words of its groups at a lower weight (search-index.ts, `SYNONYM_WEIGHT`), so "remove
 * a ticket" meets `delete_issue` and "follow a thread" meets `watch`/`subscribe`.
 *
 * Rules for an entry, so that it helps any API rather than the ones it was measured on:
 * - general software and API vocabulary only (verbs of create/read/update/delete, access,
 *   notification, history, sharing…), never a name one API gives a resource;
 * - a group holds words that stand for one another in a request, not merely related ones;
 * - nothing added to fix one benchmark task whose words no other API would use.
 * Words are stemmed when the module loads, like the index's.
 */
export const SYNONYM_GROUPS: readonly string[] = [
  // the verbs of CRUD
  "delete remove destroy drop erase kill terminate purge discard wipe",
  "create add new make open publish leave write register submit insert generate",
  "update edit modify change alter amend rename set close reopen suspend pause resume resize",
  "get fetch retrieve show view see read inspect describe look detail info information",
  "list enumerate browse history show see",
  "search find lookup query",
  "replace overwrite",
  // the state of a thing
  "enable activate",
  "disable deactivate",
  "run execute trigger start launch",
  "cancel stop abort halt",
  "restore recover undelete unarchive undo",
  "archive trash",
  "copy clone duplicate",
  "move transfer relocate migrate",
  "upload import attach attachment",
  "download export",
  // people and access
  "user account member person people",
  "my me mine myself authenticated current self",
  "permission access role right privilege allow authorize permit",
  "grant assign bind give",
  "revoke unassign withdraw",
  "invite invitation",
  "token key credential",
  "password passphrase",
  // following, talking, reacting
  "watch follow subscribe subscription watcher follower subscriber",
  "unwatch unfollow unsubscribe",
  "notify notification alert",
  "comment reply remark",
  "message chat",
  "vote upvote",
  "star favorite favourite bookmark",
  "reaction react emoji",
  // records and settings
  "issue bug ticket",
  "log audit trail activity changelog",
  "setting configuration preference option",
  "label tag",
  "link relate relation relationship associate association",
  "quota limit remaining left rate cap restrict",
  "usage consumption metric statistic stat",
  "count total",
  "latest newest recent last",
  "state status",
  // infrastructure
  "vm server machine instance",
  "image snapshot",
  "cert certificate tls",
];

/** stem → the stems of the other words of its groups */
export const SYNONYMS: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const group of SYNONYM_GROUPS) {
    const stems = [...new Set(group.split(" ").map(stemWord))];
    for (const stem of stems) map.set(stem, [...new Set([...(map.get(stem) ?? []), ...stems.filter((s) => s !== stem)])]);
  }
  return map;
})();
