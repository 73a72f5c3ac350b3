import type { AnyEndpoint, HttpMethod } from "./endpoint.js";

interface Route {
  name: string;
  endpoint: AnyEndpoint;
  methods: readonly HttpMethod[];
  segments: readonly string[];
}

/** Result of matching a path: the route and its params, or why none matched. */
export type RouteMatch =
  | { kind: "found"; name: string; endpoint: AnyEndpoint; params: Record<string, string> }
  | { kind: "method-not-allowed"; allow: string[] }
  | { kind: "not-found" };

/**
 * Matches request paths (relative to basePath) to endpoints. Static segments and `:param`
 * segments; built once at startup.
 */
export class Router {
  private readonly routes: Route[] = [];

  constructor(endpoints: Readonly<Record<string, AnyEndpoint>>) {
    for (const [name, endpoint] of Object.entries(endpoints)) {
      if (endpoint.serverOnly) continue;
      const methods = Array.isArray(endpoint.method) ? endpoint.method : [endpoint.method];
      this.routes.push({ name, endpoint, methods, segments: split(endpoint.path) });
    }
    // Static routes win over parameterized ones.
    this.routes.sort((a, b) => paramCount(a) - paramCount(b));
  }

  match(method: string, path: string): RouteMatch {
    const segments = split(path);
    const allow = new Set<string>();
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      const effective = method === "HEAD" ? "GET" : method;
      if ((route.methods as readonly string[]).includes(effective)) {
        return { kind: "found", name: route.name, endpoint: route.endpoint, params };
      }
      for (const m of route.methods) allow.add(m);
    }
    return allow.size > 0 ? { kind: "method-not-allowed", allow: [...allow] } : { kind: "not-found" };
  }
}

function split(path: string): string[] {
  return path.split("/").filter((s) => s.length > 0);
}

function paramCount(route: Route): number {
  return route.segments.filter((s) => s.startsWith(":")).length;
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const a = actual[i]!;
    if (p.startsWith(":")) {
      try {
        params[p.slice(1)] = decodeURIComponent(a);
      } catch {
        return null;
      }
    } else if (p !== a) {
      return null;
    }
  }
  return params;
}
