/*
 * The edition's search page (dialogue_edition.sphinxext.search_page).
 *
 * Over HTTP: Pagefind's index (pagefind/, written by dialogue_edition.search), one result per
 * paragraph, glossary entry, agreement or event, with filters. The query and the filters live in
 * the page's address (search.html?q=…&kind=…&report=…&person=…&organisation=…&year=…), so a
 * search can be linked to, and the search box on every page (Furo's, a plain form) opens it.
 *
 * From disk (file://) browsers refuse the index's requests: Sphinx's own search is loaded instead.
 */
"use strict";
(() => {
  const script = document.currentScript;
  const FILTERS = ["kind", "report", "person", "organisation", "year"];
  const PAGE = 10;
  const PART = "edition-part"; // the filter naming the part of the index a page is in
  const $ = (id) => document.getElementById(id);
  const url = (attribute) => new URL(script.getAttribute(attribute), document.baseURI);
  const siteRoot = new URL(".", url("data-sphinx-index"));

  const loadScript = (src) =>
    new Promise((resolve, reject) => {
      const element = document.createElement("script");
      element.src = src;
      element.onload = resolve;
      element.onerror = reject;
      document.body.appendChild(element);
    });

  /* Sphinx's search, from disk: its scripts in order, then its index (which runs the query). */
  async function sphinxSearch() {
    $("edition-search-form").hidden = false;
    $("edition-search-note").hidden = false;
    $("edition-search-q").value = new URLSearchParams(location.search).get("q") || "";
    await loadScript(url("data-language-data").href);
    await loadScript(url("data-searchtools").href);
    await loadScript(url("data-sphinx-index").href);
  }

  /* The edit distance of two words (for "did you mean" on names). */
  function distance(a, b) {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const kept = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = kept;
      }
    }
    return row[b.length];
  }

  /* The index's parts after the first (dialogue_edition.search_parts): their folders' addresses. */
  async function otherParts() {
    const listing = new URL("edition-parts.json", url("data-bundle"));
    // Asked of the server every time (Pagefind does the same for its entry file): a list kept
    // from before a deploy would name parts that are gone, or miss new ones.
    const response = await fetch(listing, { cache: "no-cache" });
    if (!response.ok) throw new Error(`${listing}: ${response.status}`);
    const { parts } = await response.json();
    return parts.slice(1).map((part) => new URL(part.folder, listing).pathname);
  }

  async function pagefindSearch() {
    const [pagefind, parts] = await Promise.all([import(url("data-bundle").href), otherParts()]);
    // No web worker (one file less to download); the metadata (titles, kinds, report titles) is
    // for showing, not for ranking: the records' own weighted words rank them. Every part is
    // searched with the same options (Pagefind gives a merged part only those it is handed).
    const options = {
      baseUrl: "/",
      excerptLength: 24,
      ranking: { metaWeights: { title: 0, kind: 0, context: 0, names: 0, fields: 0 } },
    };
    // An index in parts: each part's pages carry a filter naming their part, so that a word can be
    // checked part by part (find, below). All at once: each part's entry and metadata are two
    // requests, and an archive has dozens.
    const inParts = parts.length > 0;
    await pagefind.options({ noWorker: true, ...options, ...(inParts ? { mergeFilter: { [PART]: "0" } } : {}) });
    // A part that cannot be loaded stops the search with a message (Pagefind then fails every
    // search): results without it would be missing without a word.
    await Promise.all(
      parts.map((part, number) => pagefind.mergeIndex(part, { ...options, mergeFilter: { [PART]: String(number + 1) } })),
    );
    const form = $("edition-search-form");
    const input = $("edition-search-q");
    const status = $("edition-search-status");
    const list = $("edition-search-results");
    const more = $("edition-search-more");
    form.hidden = false;
    const available = await pagefind.filters();
    const vocabulary = new Set();
    for (const name of FILTERS) {
      const select = $(`edition-search-${name}`);
      // People and organisations as the glossaries sort them (the page's data-order), the rest as written.
      const order = new Map(JSON.parse(select.dataset.order || "[]").map((value, place) => [value, place]));
      const place = (value) => (order.has(value) ? order.get(value) : order.size);
      const values = Object.keys(available[name] || {}).sort((a, b) =>
        name === "year" ? b.localeCompare(a) : place(a) - place(b) || a.localeCompare(b),
      );
      for (const value of values) {
        select.add(new Option(value, value));
        if (name === "person" || name === "organisation") {
          value.toLowerCase().split(/[^\p{L}\p{N}]+/u).forEach((word) => word.length > 2 && vocabulary.add(word));
        }
      }
    }
    $("edition-search-filters").hidden = false;

    const state = () => {
      const chosen = {};
      for (const name of FILTERS) if ($(`edition-search-${name}`).value) chosen[name] = $(`edition-search-${name}`).value;
      return { query: input.value.trim(), filters: chosen };
    };

    const showState = () => {
      const params = new URLSearchParams(location.search);
      input.value = params.get("q") || "";
      for (const name of FILTERS) {
        const select = $(`edition-search-${name}`);
        const value = params.get(name) || "";
        if (value && ![...select.options].some((option) => option.value === value)) select.add(new Option(value, value));
        select.value = value;
      }
    };

    /*
     * Pagefind's searches on the page's own thread share its state: two at once give one of them
     * the other's word positions (its hits then mark the other query's words; seen with Pagefind
     * 1.5 when a query's words were checked in parallel). One search at a time, whoever asks.
     */
    let queue = Promise.resolve();
    const searchOnce = (query, options) => {
      const search = queue.then(() => pagefind.search(query, options));
      queue = search.catch(() => undefined);
      return search;
    };

    /* A hit's data (its excerpt marks this search's words: kept per hit, never per page). */
    const loaded = new WeakMap();
    const dataOf = (result) => {
      if (!loaded.has(result)) loaded.set(result, result.data());
      return loaded.get(result);
    };

    /* A word as compared with another: case, accents and punctuation set aside. */
    const bare = (word) =>
      word
        .normalize("NFKD")
        .replace(/[^\p{L}\p{N}]/gu, "")
        .toLowerCase();

    /* How many letters two words share at their start. */
    const shared = (a, b) => {
      let length = 0;
      while (length < a.length && length < b.length && a[length] === b[length]) length++;
      return length;
    };

    /* The words a search's first hit marks (none: it has no hit on the records' own words). */
    async function markedWords(results) {
      const hit = results.find((result) => result.words.length);
      if (!hit) return null;
      const excerpt = (await dataOf(hit)).excerpt;
      return [...excerpt.matchAll(/<mark>([^<]*)<\/mark>/g)].map((match) => bare(match[1]));
    }

    /*
     * Pagefind answers a word it has not indexed with the longest indexed word the query word
     * starts with ("as" for "Astafyev", "the" for "Thexqz"): such hits are not the word. A hit is
     * the word's when a word it marks shares the query word's start: all of it, or all but an
     * ending (stemming: "Koreans" finds "Korean", "studies" finds "study").
     */
    function holdsTyped(word, marked) {
      const typed = bare(word);
      const enough = Math.min(typed.length, Math.max(4, typed.length - 3));
      return marked !== null && (!marked.length || marked.some((found) => shared(found, typed) >= enough));
    }

    /* Whether a hit marks the word in full (or a longer form of it). */
    const inFull = (word, marked) => marked !== null && marked.some((found) => found.startsWith(bare(word)));

    /* Whether a hit marks only words the query word starts with: Pagefind's shorter answer. */
    const onlyShorter = (word, marked) =>
      marked !== null &&
      marked.length > 0 &&
      marked.every((found) => found.length < bare(word).length && bare(word).startsWith(found));

    /*
     * The hits of one word that hold it as typed. In one index, its first hit shows whether the
     * word is indexed or Pagefind answered with a shorter one. An index in parts answers part by
     * part, each with its own words: a part that lacks the word answers with a shorter one even
     * when another part has it ("Sakha" for "Sakhalin"), so each part that answers is checked on
     * its own first hit; where any part has the word in full, a part that answers only with a
     * shorter word does not count, as one index would answer (a part that answers with another
     * form, "study" for "studies", does). ``among``: the parts whose hits matter (null: all);
     * ``searched``: the word's search, when the query was the word alone.
     */
    async function typedHits(word, filters, among = null, searched = null) {
      const response = searched || (await searchOnce(word, { filters }));
      const hits = response.results.filter((result) => result.words.length);
      if (!inParts) return holdsTyped(word, await markedWords(response.results)) ? hits : [];
      const answering = Object.entries(response.filters[PART] || {})
        .filter(([part, count]) => count > 0 && (!among || among.has(part)))
        .map(([part]) => part);
      const owns = [];
      for (const part of answering) owns.push((await searchOnce(word, { filters: { ...filters, [PART]: part } })).results);
      // The searches one at a time (searchOnce); their first hits' excerpts all at once.
      const marks = await Promise.all(owns.map(markedWords));
      const full = marks.some((marked) => inFull(word, marked));
      const typed = new Set(
        owns
          .filter((_, number) => holdsTyped(word, marks[number]) && !(full && onlyShorter(word, marks[number])))
          .flatMap((own) => own.map((result) => result.id)),
      );
      return hits.filter((result) => typed.has(result.id));
    }

    /* The parts that answer a search (in one index: null). */
    const partsOf = (response) =>
      inParts ? new Set(Object.entries(response.filters[PART] || {}).filter(([, n]) => n > 0).map(([part]) => part)) : null;

    /*
     * The hits of a query on the records' own words. Pagefind also matches the words of the
     * metadata shown with a hit (its title, the report's title): a paragraph is not found by
     * words it does not hold, so a hit must hold every word of the query, as typed, whatever
     * the query's length. Returns the hits, and the query words found nowhere (misspelt, or only
     * in titles), for "did you mean". In parts, a query's words are checked in the parts that
     * answer it; when none does, in every part, to tell which words are found nowhere.
     */
    async function find(query, filters) {
      const response = await searchOnce(query || null, { filters });
      const all = response.results;
      if (!query) return { results: all, unknown: [] };
      let results = all.filter((result) => result.words.length);
      const words = [...new Set(query.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)))];
      const among = results.length ? partsOf(response) : null;
      const checked = [];
      const alone = words.length === 1 && words[0] === query ? response : null;
      for (const word of words) checked.push({ word, hits: await typedHits(word, filters, among, alone) });
      const unknown = checked.filter((check) => !check.hits.length).map((check) => check.word);
      for (const { hits } of checked) {
        const holding = new Set(hits.map((result) => result.id));
        results = results.filter((result) => holding.has(result.id));
      }
      return { results: unknown.length ? [] : results, unknown };
    }

    /*
     * Russian letters as the reports write Russian names in Latin letters (BGN/PCGN, without its
     * marks): a name typed in Cyrillic is looked for as the edition spells it, and then corrected
     * like any other word ("Ельцин": "eltsin", then "yeltsin").
     */
    const CYRILLIC = {
      а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "y",
      к: "k", л: "l", м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f",
      х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch", ъ: "", ы: "y", ь: "", э: "e", ю: "yu", я: "ya",
    };
    const latin = (word) => word.replace(/[а-яё]/g, (letter) => CYRILLIC[letter]);

    /*
     * A misspelt query, word by word: the nearest word of a name, else the longest prefix that
     * finds something ("panmunj…" for "Panmunjeom"); a word in Cyrillic first in Latin letters.
     * Returns what to search, and how to show it.
     */
    async function corrected(query, filters) {
      const fixed = [];
      const shown = [];
      for (const word of query.split(/\s+/)) {
        const lower = latin(word.toLowerCase());
        if (!(await find(lower, filters)).unknown.length) {
          const found = lower === word.toLowerCase() ? word : lower;
          fixed.push(found);
          shown.push(found);
          continue;
        }
        let best = null;
        const allowed = lower.length > 5 ? 2 : lower.length > 4 ? 1 : 0; // a short word is another word
        for (const candidate of vocabulary) {
          const d = distance(lower, candidate);
          if (d && d <= allowed && (!best || d < best[1])) best = [candidate, d];
        }
        if (best) {
          fixed.push(best[0]);
          shown.push(best[0]);
          continue;
        }
        let prefix = lower.slice(0, -1);
        while (prefix.length >= 4 && (await find(prefix, filters)).unknown.length) prefix = prefix.slice(0, -1);
        fixed.push(prefix.length >= 4 ? prefix : word);
        shown.push(prefix.length >= 4 ? `${prefix}…` : word);
      }
      return { query: fixed.join(" "), shown: shown.join(" ") };
    }

    /* A name as compared with a query: case, quotation marks, dashes and spacing set aside. */
    const folded = (text) =>
      text
        .toLowerCase()
        .replace(/[‘’'“”"«»]/g, "")
        .replace(/[\s\-–—.,]+/g, " ")
        .trim();

    /* A query that is exactly an entry's name (or another form of it): that entry first. */
    async function exactNameFirst(query, results) {
      const wanted = folded(query);
      const head = await Promise.all(results.slice(0, PAGE).map(dataOf));
      const index = head.findIndex((data) => (data.meta.names || "").split(" | ").some((name) => folded(name) === wanted));
      return index > 0 ? [results[index], ...results.slice(0, index), ...results.slice(index + 1)] : results;
    }

    let current = [];
    let shown = 0;
    let generation = 0;

    function item(data) {
      const li = document.createElement("li");
      li.className = "edition-search-hit";
      const link = document.createElement("a");
      link.href = new URL(data.url.replace(/^\//, ""), siteRoot).href;
      const heading = document.createElement("p");
      heading.className = "edition-search-hit-title";
      heading.append(link);
      const about = document.createElement("p");
      about.className = "edition-search-hit-about";
      about.textContent = [data.meta.kind, data.meta.context].filter(Boolean).join(" · ");
      const fields = fieldsOf(data);
      if (fields) {
        // An entry: its name is among its own words (marked where found), its fields say what the rest are.
        const found = foundWords(data);
        link.append(...marked(data.meta.title || data.url, found));
        li.append(heading, about, described(fields, found));
        return li;
      }
      link.textContent = data.meta.title || data.url;
      const excerpt = document.createElement("p");
      excerpt.className = "edition-search-hit-excerpt";
      excerpt.innerHTML = data.excerpt; // Pagefind escapes the text and adds only <mark>
      cut(excerpt, data.content || "");
      // Pagefind marks a word with the punctuation around it ("Kropachev;"): the mark keeps the word.
      for (const mark of excerpt.querySelectorAll("mark")) {
        const [, before, word, after] = mark.textContent.match(WORD_IN_PUNCTUATION);
        if (!word || !(before || after)) continue;
        mark.textContent = word;
        mark.before(before);
        mark.after(after);
      }
      li.append(heading, about, excerpt);
      return li;
    }

    /* A word with the punctuation before and after it. */
    const WORD_IN_PUNCTUATION = /^([^\p{L}\p{N}\p{M}]*)(.*?)([^\p{L}\p{N}\p{M}]*)$/su;

    /*
     * An entry's fields, [[label, value], …], as the index gives them (its "fields" meta), or null.
     * Pagefind's excerpt of an entry would run its values together without saying what each is
     * ("Russia. JSC Russian Railways. Aleksei Astafev."); the labels are not searched.
     */
    function fieldsOf(data) {
      let fields;
      try {
        fields = JSON.parse(data.meta.fields || "null");
      } catch {
        return null;
      }
      const pair = (field) => Array.isArray(field) && field.length === 2 && field.every((text) => typeof text === "string");
      return Array.isArray(fields) && fields.length && fields.every(pair) ? fields : null;
    }

    /* The words of a hit's own text that this search found (Pagefind's locations in its content). */
    function foundWords(data) {
      const words = (data.content || "").split(/\s+/).filter(Boolean);
      return new Set((data.locations || []).map((at) => bare(words[at] || "")).filter(Boolean));
    }

    /* Text as nodes, each word this search found marked (without the punctuation around it). */
    function marked(text, found) {
      return text.split(/(\s+)/).flatMap((token) => {
        if (!token || !found.has(bare(token))) return token ? [token] : [];
        const [, before, word, after] = token.match(WORD_IN_PUNCTUATION);
        const mark = document.createElement("mark");
        mark.textContent = word;
        return [before, mark, after].filter((part) => part !== "");
      });
    }

    /* At most FIELD_WORDS words of a value: around the first found word, "…" where it is cut. */
    const FIELD_WORDS = 20;
    function shortened(value, found) {
      const words = value.split(/\s+/).filter(Boolean);
      if (words.length <= FIELD_WORDS) return words.join(" ");
      const first = Math.max(0, words.findIndex((word) => found.has(bare(word))));
      const start = Math.min(Math.max(0, first - 4), words.length - FIELD_WORDS);
      const end = start + FIELD_WORDS;
      return `${start > 0 ? "… " : ""}${words.slice(start, end).join(" ")}${end < words.length ? " …" : ""}`;
    }

    /* An entry's fields as its description: "Country: Russia · Part of: …", found words marked. */
    function described(fields, found) {
      const description = document.createElement("p");
      description.className = "edition-search-hit-excerpt edition-search-hit-fields";
      fields.forEach(([label, value], number) => {
        if (number) description.append(" · ");
        const name = document.createElement("span");
        name.className = "edition-search-hit-label";
        name.textContent = `${label}:`;
        description.append(name, " ", ...marked(shortened(value, found), found));
      });
      return description;
    }

    /* "…" where an excerpt starts or stops inside its text (Pagefind cuts it at any word). */
    function cut(excerpt, content) {
      const words = (text) => text.split(/\s+/).filter(Boolean);
      const shown = words(excerpt.textContent);
      const whole = words(content);
      if (!shown.length || !whole.length) return;
      const at = (start) => shown.every((word, n) => whole[start + n] === word);
      const start = whole.findIndex((_, n) => n + shown.length <= whole.length && at(n));
      if (start < 0) return;
      if (start > 0) excerpt.prepend("… ");
      if (start + shown.length < whole.length) excerpt.append(" …");
    }

    async function showMore(mine = generation) {
      const batch = await Promise.all(current.slice(shown, shown + PAGE).map(dataOf));
      if (mine !== generation) return; // a newer search replaced these results meanwhile
      batch.forEach((data) => list.append(item(data)));
      shown += batch.length;
      more.hidden = shown >= current.length;
      document.body.dataset.searchShown = String(shown);
    }

    async function run() {
      const mine = ++generation;
      document.body.dataset.searchStarted = String(mine); // for the tests: the newest search
      const { query, filters } = state();
      list.replaceChildren();
      more.hidden = true;
      if (!query && !Object.keys(filters).length) {
        status.textContent = "Type a name, a place, a year or any words, or choose a filter.";
        document.body.dataset.searchDone = String(mine);
        return;
      }
      let search = await find(query, filters);
      let note = "";
      let effective = query;
      if (query && !search.results.length) {
        const fixed = await corrected(query, filters);
        if (fixed.query.toLowerCase() !== query.toLowerCase()) {
          search = await find(fixed.query, filters);
          effective = fixed.query;
          note = ` for “${fixed.shown}” (nothing matches “${query}”)`;
        }
      }
      const ranked = effective ? await exactNameFirst(effective, search.results) : search.results;
      if (mine !== generation) return;
      current = ranked;
      shown = 0;
      const count = current.length;
      // Nothing found for letters of another script (Korean, or Russian no name matches): say how names are spelt.
      const script = !count && /[^\P{L}\p{Script=Latin}]/u.test(query) ? " The reports are in English: names are spelt in Latin letters." : "";
      status.textContent = `${count} ${count === 1 ? "result" : "results"}${note || (query ? ` for “${query}”` : "")}.${script}`;
      await showMore(mine);
      if (mine !== generation) return;
      document.body.dataset.searchDone = String(mine); // for the tests: this search is shown
    }

    const remember = () => {
      const { query, filters } = state();
      const params = new URLSearchParams();
      if (query) params.set("q", query);
      for (const [name, value] of Object.entries(filters)) params.set(name, value);
      history.replaceState(null, "", `${location.pathname}${params.size ? `?${params}` : ""}`);
    };

    let timer = null;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(timer);
      remember();
      run();
    });
    form.addEventListener("change", (event) => {
      if (event.target.tagName !== "SELECT") return; // the query runs as typed, or on Enter
      remember();
      run();
    });
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        remember();
        run();
      }, 250);
    });
    more.addEventListener("click", () => showMore(generation));
    showState();
    await run();
    document.body.dataset.searchReady = "pagefind";
  }

  const start = () =>
    (location.protocol === "file:" ? sphinxSearch() : pagefindSearch()).catch((error) => {
      $("edition-search-status").textContent = `Search could not start: ${error.message}`;
    });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
