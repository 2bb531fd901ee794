/**
 * The benchmark floor for uploads: one plain HTTP PUT whose body goes straight into R2 through the
 * same local runtime (workerd + local R2), with no API, D1 or multipart bookkeeping.
 */
export default {
  async fetch(request: Request, env: { FLOOR: R2Bucket }): Promise<Response> {
    if (request.method !== "PUT" || !request.body) return new Response("PUT a body", { status: 400 });
    const object = await env.FLOOR.put(new URL(request.url).pathname.slice(1), request.body);
    return Response.json({ size: object?.size ?? 0 });
  },
} satisfies ExportedHandler<{ FLOOR: R2Bucket }>;
