import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ROOT } from "../compile.js";
import { type Footprint, installFootprint, packGatehouse } from "../footprint.js";
import { formatMB, type Table } from "../report.js";
import type { Settings } from "../settings.js";

interface App {
  label: string;
  /** What `npm install` is given; `gatehouse` is replaced by the packed tarball. */
  dependencies: string[];
}

/** Minimal apps: Express plus what each library's quick start installs. */
const APPS: App[] = [
  { label: "bare Express (no auth)", dependencies: ["express@5"] },
  { label: "Gatehouse", dependencies: ["express@5", "gatehouse"] },
  { label: "Better Auth", dependencies: ["express@5", "better-auth", "better-sqlite3@12"] },
  { label: "Auth.js", dependencies: ["express@5", "@auth/express"] },
];

/** The size of better-sqlite3's addon as compiled here, for the notes (install scripts are off). */
function addonSize(): number | null {
  try {
    return statSync(resolve(ROOT, "node_modules/better-sqlite3/build/Release/better_sqlite3.node")).size;
  } catch {
    return null;
  }
}

/** Packages and bytes in node_modules of a minimal app per library, from the npm registry. */
export async function footprint(dir: string, settings: Settings): Promise<Table> {
  const results = new Map<string, Footprint | string>();
  let tarball: string | null = null;
  for (const [i, app] of APPS.entries()) {
    if (!settings.footprintAll && i > 0) {
      results.set(app.label, "skipped in quick mode");
      continue;
    }
    try {
      if (app.dependencies.includes("gatehouse")) tarball ??= await packGatehouse(dir);
      const deps = app.dependencies.map((d) => (d === "gatehouse" ? tarball! : d));
      const measured = await installFootprint(join(dir, `footprint-${i}`), deps);
      results.set(app.label, measured);
      console.log(`[footprint] ${app.label}: ${measured.packages} packages, ${formatMB(measured.bytes)} MB`);
    } catch (error) {
      const message =
        (error as { stderr?: string }).stderr?.trim().split("\n").at(-1) ?? (error as Error).message;
      results.set(app.label, `install failed: ${message}`);
      console.log(`[footprint] ${app.label}: install failed: ${message}`);
    }
  }
  const addon = addonSize();
  return {
    id: "footprint",
    title: "Install footprint",
    intro:
      "`npm install --omit=dev --ignore-scripts` of a minimal app into an empty temporary project, from the npm registry " +
      "(Gatehouse from `npm pack` of this checkout). Packages are folders with a package.json under node_modules; " +
      "size is the sum of file sizes there.",
    columns: ["App", "packages", "size (MB)", "installed"],
    rows: APPS.map((app) => {
      const r = results.get(app.label);
      if (r === undefined || typeof r === "string") return [app.label, r ?? "not run", "—", "—"];
      return [app.label, String(r.packages), formatMB(r.bytes), app.dependencies.join(" ")];
    }),
    notes: [
      "Install scripts are off, so better-sqlite3's native addon is not compiled (no prebuilt binaries can be fetched offline)" +
        (addon !== null
          ? `; compiled here it adds ${formatMB(addon)} MB to the Gatehouse and Better Auth rows alike.`
          : "."),
      "Gatehouse's database drivers for PostgreSQL and MySQL are optional peer dependencies and not installed here.",
    ],
  };
}
