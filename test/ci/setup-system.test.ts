// scripts/setup-system.sh's choice of the bookworm-backports mirror, run for real (`--sources-only`) on
// sample apt trees under `--root`: it reads only active sources, writes one deb822 file or nothing, and
// stops with one line and exit 2 when it would have to guess.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const script = join(import.meta.dir, "../../scripts/setup-system.sh");
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const osRelease = (id: string, codename: string) => `PRETTY_NAME="test"\nID=${id}\nVERSION_CODENAME=${codename}\n`;
const bookworm = osRelease("debian", "bookworm");

/** A machine's root: `files` maps paths under it (etc/os-release, etc/apt/...) to their text. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "keisei-setup-"));
  roots.push(root);
  mkdirSync(join(root, "etc/apt/sources.list.d"), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function setup(root: string) {
  const r = Bun.spawnSync(["bash", script, "--root", root, "--sources-only"]);
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

const written = (root: string) => join(root, "etc/apt/sources.list.d/keisei-backports.sources");
const backportsOn = (mirror: string) =>
  `Types: deb\nURIs: ${mirror}\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`;

/** Runs the script on `files` and expects it to add bookworm-backports on `mirror`. */
function expectMirror(files: Record<string, string>, mirror: string) {
  const root = tree({ "etc/os-release": bookworm, ...files });
  const r = setup(root);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  expect(r.out).toBe(`setup-system.sh: added ${written(root)} (bookworm-backports on ${mirror})\n`);
  expect(readFileSync(written(root), "utf8")).toBe(backportsOn(mirror));
  return root;
}

/** Runs the script on `files` and expects it to write nothing, saying a backports source is there. */
function expectAlreadyPresent(files: Record<string, string>) {
  const root = tree({ "etc/os-release": bookworm, ...files });
  const before = readdirSync(join(root, "etc/apt/sources.list.d")).sort();
  const r = setup(root);
  expect(r).toEqual({ code: 0, out: "setup-system.sh: bookworm-backports source already present\n", err: "" });
  expect(readdirSync(join(root, "etc/apt/sources.list.d")).sort()).toEqual(before);
}

/** Runs the script on `files` and expects exit 2, one line on stderr matching `pattern`, nothing written. */
function expectRefusal(files: Record<string, string>, pattern: RegExp) {
  const root = tree(files);
  const r = setup(root);
  expect(r.code).toBe(2);
  expect(r.out).toBe("");
  expect(r.err).toMatch(pattern);
  expect(r.err.endsWith("\n")).toBe(true);
  expect(r.err.trim().split("\n").length).toBe(1);
  expect(existsSync(written(root))).toBe(false);
}

// The Debian image's own file: each stanza's first line after Types is a commented snapshot URL.
const imageSources = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe("setup-system.sh picks the mirror from active sources only", () => {
  test("the image's deb822 file: the URIs line, not the commented snapshot host", () => {
    expectMirror({ "etc/apt/sources.list.d/debian.sources": imageSources }, "http://deb.debian.org/debian");
  });

  test("a commented-out URIs line inside a stanza, after the real one, is a comment", () => {
    const sources = imageSources.replace(
      "URIs: http://deb.debian.org/debian\n",
      "URIs: http://deb.debian.org/debian\n# URIs: http://snapshot.debian.org/archive/debian/20250520T000000Z\n",
    );
    expectMirror({ "etc/apt/sources.list.d/debian.sources": sources }, "http://deb.debian.org/debian");
  });

  test("one-line sources.list: the deb line for the codename, past comments, deb-src and security", () => {
    expectMirror(
      {
        "etc/apt/sources.list": [
          "# deb http://snapshot.debian.org/archive/debian/20250520T000000Z bookworm main",
          "#deb http://ftp.fr.debian.org/debian bookworm main",
          "deb-src http://ftp.us.debian.org/debian bookworm main",
          "deb http://security.debian.org/debian-security bookworm-security main",
          "deb http://ftp.jp.debian.org/debian bookworm main",
          "deb http://ftp.jp.debian.org/debian bookworm-updates main",
          "",
        ].join("\n"),
      },
      "http://ftp.jp.debian.org/debian",
    );
  });

  test("one-line entries with [options], in a sources.list.d/*.list file", () => {
    expectMirror(
      {
        "etc/apt/sources.list.d/debian.list":
          "deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://ftp.de.debian.org/debian/ bookworm main contrib\n",
      },
      "http://ftp.de.debian.org/debian/",
    );
    expectMirror(
      {
        "etc/apt/sources.list":
          "deb [ arch=amd64 trusted=no ] http://ftp.nl.debian.org/debian bookworm main # the Dutch mirror\n",
      },
      "http://ftp.nl.debian.org/debian",
    );
  });

  test("a disabled stanza (Enabled: no) holding the only other host is skipped", () => {
    const sources = `Types: deb
URIs: http://old-mirror.example.org/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb
URIs: http://ftp.uk.debian.org/debian
Suites: bookworm
Components: main
`;
    expectMirror({ "etc/apt/sources.list.d/debian.sources": sources }, "http://ftp.uk.debian.org/debian");
  });

  test("deb-src stanzas, other suites, a third-party 'bookworm stable' repository and files apt ignores are skipped", () => {
    expectMirror(
      {
        // apt reads sources.list.d in name order: each of these comes before debian.sources
        "etc/apt/sources.list.d/a-src.sources":
          "Types: deb-src\nURIs: http://src.example.org/debian\nSuites: bookworm\nComponents: main\n",
        "etc/apt/sources.list.d/b-updates.sources":
          "Types: deb\nURIs: http://updates.example.org/debian\nSuites: bookworm-updates\nComponents: main\n",
        "etc/apt/sources.list.d/c-docker.list":
          "deb [signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable\n",
        "etc/apt/sources.list.d/d-farm.sources.disabled":
          "Types: deb\nURIs: http://disabled.example.org/debian\nSuites: bookworm\nComponents: main\n",
        "etc/apt/sources.list.d/d-old.list.save": "deb http://saved.example.org/debian bookworm main\n",
        "etc/apt/sources.list.d/debian.sources":
          "Types: deb deb-src\nURIs: https://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main non-free-firmware\n",
      },
      "https://deb.debian.org/debian",
    );
  });

  test("os-release from usr/lib when etc has none", () => {
    const root = tree({ "usr/lib/os-release": bookworm, "etc/apt/sources.list.d/debian.sources": imageSources });
    expect(setup(root).code).toBe(0);
    expect(readFileSync(written(root), "utf8")).toBe(backportsOn("http://deb.debian.org/debian"));
  });
});

describe("setup-system.sh keeps a backports source that is there", () => {
  test("deb822 stanza with Suites bookworm-backports", () => {
    expectAlreadyPresent({
      "etc/apt/sources.list.d/debian.sources":
        imageSources +
        "\nTypes: deb\nURIs: http://ftp.jp.debian.org/debian\nSuites: bookworm-backports\nComponents: main\n",
    });
  });

  test("one-line backports entry", () => {
    expectAlreadyPresent({
      "etc/apt/sources.list.d/debian.sources": imageSources,
      "etc/apt/sources.list.d/backports.list":
        "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://ftp.jp.debian.org/debian bookworm-backports main\n",
    });
  });

  test("a commented or disabled backports entry does not count", () => {
    expectMirror(
      {
        "etc/apt/sources.list.d/debian.sources":
          imageSources +
          "\nTypes: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nEnabled: no\n",
        "etc/apt/sources.list": "# deb http://deb.debian.org/debian bookworm-backports main\n",
      },
      "http://deb.debian.org/debian",
    );
  });

  test("running twice writes one file, once", () => {
    const root = expectMirror(
      { "etc/apt/sources.list.d/debian.sources": imageSources },
      "http://deb.debian.org/debian",
    );
    expect(setup(root)).toEqual({
      code: 0,
      out: "setup-system.sh: bookworm-backports source already present\n",
      err: "",
    });
    expect(readdirSync(join(root, "etc/apt/sources.list.d")).sort()).toEqual([
      "debian.sources",
      "keisei-backports.sources",
    ]);
    expect(readFileSync(written(root), "utf8")).toBe(backportsOn("http://deb.debian.org/debian"));
  });

  test("a release newer than bookworm (trixie) needs no backports: nothing written", () => {
    const root = tree({
      "etc/os-release": osRelease("debian", "trixie"),
      "etc/apt/sources.list.d/debian.sources": imageSources.replaceAll("bookworm", "trixie"),
    });
    expect(setup(root)).toEqual({
      code: 0,
      out: "setup-system.sh: Debian trixie has Mesa >= 24 itself; no backports source needed\n",
      err: "",
    });
    expect(readdirSync(join(root, "etc/apt/sources.list.d"))).toEqual(["debian.sources"]);
  });
});

describe("setup-system.sh does not guess", () => {
  test.each([
    ["ubuntu", "noble"],
    ["fedora", ""],
  ])("not Debian (ID=%s): exit 2, one line saying what to install by hand", (id, codename) => {
    expectRefusal(
      {
        "etc/os-release": osRelease(id, codename),
        "etc/apt/sources.list": "deb http://archive.ubuntu.com/ubuntu noble main\n",
      },
      new RegExp(
        `^setup-system\\.sh: this is not Debian \\(os-release ID=${id}\\); install by hand: libvulkan1, mesa-vulkan-drivers \\(Mesa >= 24\\), tmux, postgresql, python3-torch, python3-numpy, gpsshogi, fairy-stockfish, chromium, gcc\\n$`,
      ),
    );
  });

  test("no os-release at all counts as not Debian", () => {
    expectRefusal({}, /^setup-system\.sh: this is not Debian \(os-release ID=unknown\); install by hand: /);
  });

  test.each([
    ["no sources at all", {}],
    [
      "only security and deb-src",
      {
        "etc/apt/sources.list":
          "deb http://security.debian.org/debian-security bookworm-security main\ndeb-src http://deb.debian.org/debian bookworm main\n",
      },
    ],
    [
      "only commented and disabled entries",
      {
        "etc/apt/sources.list": "# deb http://deb.debian.org/debian bookworm main\n",
        "etc/apt/sources.list.d/debian.sources":
          "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n",
      },
    ],
    [
      "the Debian source in files apt ignores",
      {
        "etc/apt/sources.list.d/debian.sources.disabled-by-farm": imageSources,
        "etc/apt/sources.list.d/debian.list.save": "deb http://deb.debian.org/debian bookworm main\n",
      },
    ],
  ])("Debian but no active source for bookworm (%s): exit 2, one line naming where it looked", (_, files) => {
    expectRefusal(
      { "etc/os-release": bookworm, ...files },
      /^setup-system\.sh: no active Debian source for bookworm \(a deb entry with suite bookworm and component main\) in \S+\/etc\/apt\/sources\.list or \S+\/etc\/apt\/sources\.list\.d\/\*\.list, \*\.sources; add one, or a bookworm-backports source, and run again\n$/,
    );
  });
});
