// Starts Swagger UI on /docs. It lives in a file rather than inline in the page so the
// page keeps the content-security policy `script-src 'self'` (api/http/hardening.py).
// The parameters are FastAPI's defaults (fastapi.openapi.docs.swagger_ui_default_parameters).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
