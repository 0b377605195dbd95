// Generated from the fleet registry by `fleet render`; edit the registry, not this file.

export const WORKSPACE = "ryla";
export const DEFAULT_ENVIRONMENT = "main";

export const ENVIRONMENT_WEB_SUFFIX = {
  "main": "",
  "staging": "staging",
} as const;
export type Environment = keyof typeof ENVIRONMENT_WEB_SUFFIX;

export const APP_LABEL = {
  "ryla-flux": "ryla-flux-comfyui-fastapi-app",
  "ryla-instantid": "ryla-instantid-comfyui-fastapi-app",
  "ryla-qwen-image": "ryla-qwen-image-comfyui-fastapi-app",
  "ryla-qwen-edit": "ryla-qwen-edit-comfyui-fastapi-app",
  "ryla-z-image": "ryla-z-image-comfyui-fastapi-app",
  "ryla-wan26": "ryla-wan26-comfyui-fastapi-app",
  "ryla-seedvr2": "ryla-seedvr2-comfyui-fastapi-app",
} as const;

export const ENDPOINT_APP_MAP = {
  "/flux": "ryla-flux",
  "/flux-dev": "ryla-flux",
  "/flux-dev-lora": "ryla-flux",
  "/sdxl-instantid": "ryla-instantid",
  "/sdxl-turbo": "ryla-instantid",
  "/sdxl-lightning": "ryla-instantid",
  "/flux-pulid": "ryla-instantid",
  "/flux-ipadapter-faceid": "ryla-instantid",
  "/qwen-image-2512": "ryla-qwen-image",
  "/qwen-image-2512-fast": "ryla-qwen-image",
  "/qwen-image-2512-lora": "ryla-qwen-image",
  "/video-faceswap": "ryla-qwen-image",
  "/qwen-image-edit-2511": "ryla-qwen-edit",
  "/qwen-image-inpaint-2511": "ryla-qwen-edit",
  "/z-image-simple": "ryla-z-image",
  "/z-image-danrisi": "ryla-z-image",
  "/z-image-lora": "ryla-z-image",
  "/wan2.6": "ryla-wan26",
  "/wan2.6-r2v": "ryla-wan26",
  "/wan2.6-lora": "ryla-wan26",
  "/seedvr2": "ryla-seedvr2",
} as const;
export type Endpoint = keyof typeof ENDPOINT_APP_MAP;

export const ENDPOINT_TIMEOUT_MS = {
  "/flux": 180000,
  "/flux-dev": 180000,
  "/flux-dev-lora": 180000,
  "/sdxl-instantid": 420000,
  "/sdxl-turbo": 180000,
  "/sdxl-lightning": 180000,
  "/flux-pulid": 420000,
  "/flux-ipadapter-faceid": 420000,
  "/qwen-image-2512": 600000,
  "/qwen-image-2512-fast": 600000,
  "/qwen-image-2512-lora": 600000,
  "/video-faceswap": 600000,
  "/qwen-image-edit-2511": 420000,
  "/qwen-image-inpaint-2511": 420000,
  "/z-image-simple": 600000,
  "/z-image-danrisi": 600000,
  "/z-image-lora": 600000,
  "/wan2.6": 600000,
  "/wan2.6-r2v": 600000,
  "/wan2.6-lora": 600000,
  "/seedvr2": 600000,
} as const;

// The URL label of the web function serving each endpoint.
export const ENDPOINT_LABEL = {
  "/flux": "ryla-flux-comfyui-fastapi-app",
  "/flux-dev": "ryla-flux-comfyui-fastapi-app",
  "/flux-dev-lora": "ryla-flux-comfyui-fastapi-app",
  "/sdxl-instantid": "ryla-instantid-comfyui-fastapi-app",
  "/sdxl-turbo": "ryla-instantid-comfyui-fastapi-app",
  "/sdxl-lightning": "ryla-instantid-comfyui-fastapi-app",
  "/flux-pulid": "ryla-instantid-comfyui-fastapi-app",
  "/flux-ipadapter-faceid": "ryla-instantid-comfyui-fastapi-app",
  "/qwen-image-2512": "ryla-qwen-image-comfyui-fastapi-app",
  "/qwen-image-2512-fast": "ryla-qwen-image-comfyui-fastapi-app",
  "/qwen-image-2512-lora": "ryla-qwen-image-comfyui-fastapi-app",
  "/video-faceswap": "ryla-qwen-image-comfyui-fastapi-app",
  "/qwen-image-edit-2511": "ryla-qwen-edit-comfyui-fastapi-app",
  "/qwen-image-inpaint-2511": "ryla-qwen-edit-comfyui-fastapi-app",
  "/z-image-simple": "ryla-z-image-comfyui-fastapi-app",
  "/z-image-danrisi": "ryla-z-image-comfyui-fastapi-app",
  "/z-image-lora": "ryla-z-image-comfyui-fastapi-app",
  "/wan2.6": "ryla-wan26-comfyui-fastapi-app",
  "/wan2.6-r2v": "ryla-wan26-comfyui-fastapi-app",
  "/wan2.6-lora": "ryla-wan26-comfyui-fastapi-app",
  "/seedvr2": "ryla-seedvr2-comfyui-fastapi-app",
} as const;

// The settings (environment variables) that hold each endpoint's web function's URL.
export const ENDPOINT_URL_SETTINGS = {
} as const;

/** https://{workspace}[-{suffix}]--{label}.modal.run{path} */
export function modalEndpointUrl(
  workspace: string,
  endpoint: Endpoint,
  env: Environment = DEFAULT_ENVIRONMENT,
): string {
  const suffix: string = ENVIRONMENT_WEB_SUFFIX[env];
  const source = suffix ? `${workspace}-${suffix}` : workspace;
  const label = ENDPOINT_LABEL[endpoint];
  return `https://${source}--${label}.modal.run${endpoint}`;
}
