"""Modal's control-plane API, the part the `modal` CLI uses to deploy and manage apps.

Each RPC reads its request, changes the `State` as Modal would, and answers in Modal's
message types (`modal_proto`). What the emulator does not serve answers UNIMPLEMENTED with
the RPC's name. Nothing runs: images are "built" at once (a `RUN false` or `RUN exit N` step
fails, as it would anywhere), and no function is ever called.

Modal's behaviour kept here: versions v1, v2, ...; a deploy whose functions, images and
mounts are all unchanged adds no version (`Deployment skipped`); a rollback is a new version;
a stopped app is listed as `stopped`; the history keeps tag, commit (dirty or not), who
deployed and the client's version; web URLs have Modal's shape, and taking a label another
app of the environment held is reported as `label stolen`; a missing secret or volume, or a
GPU Modal does not offer, fails the deploy.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2
from grpclib import GRPCError, Status
from grpclib.server import Stream
from modal_proto import api_grpc, api_pb2

from tools.core.registry import modal_names
from tools.emulator import state as states
from tools.emulator.state import App, Named, State, Version, now

STATES = {
    "initializing": api_pb2.APP_STATE_INITIALIZING,
    "deployed": api_pb2.APP_STATE_DEPLOYED,
    "stopped": api_pb2.APP_STATE_STOPPED,
}


class Emulator:
    """The RPCs the emulator serves; `servicer()` turns them into a grpclib servicer."""

    def __init__(self, folder: Path, state: State) -> None:
        self.folder = folder
        self.state = state

    def save(self) -> None:
        states.save(self.folder, self.state)

    # Who is calling.

    def user(self, stream: Stream[Any, Any]) -> str:
        token = stream.metadata.get("x-modal-token-id") if stream.metadata else None
        secret = stream.metadata.get("x-modal-token-secret") if stream.metadata else None
        if not token or self.state.secrets_of_tokens.get(str(token)) != secret:
            raise GRPCError(
                Status.UNAUTHENTICATED, "Invalid token: the emulator knows no such token"
            )
        return self.state.users[str(token)]

    def environment(self, name: str) -> str:
        chosen = name or states.DEFAULT_ENVIRONMENT
        if chosen not in self.state.environments:
            raise GRPCError(Status.NOT_FOUND, f"Environment '{chosen}' not found")
        return chosen

    def app(self, app_id: str) -> App:
        found = self.state.apps.get(app_id)
        if found is None:
            raise GRPCError(Status.NOT_FOUND, f"App {app_id} not found")
        return found

    # Client.

    async def ClientHello(self, stream: Stream[Any, Any]) -> None:
        await stream.recv_message()
        self.user(stream)
        await stream.send_message(api_pb2.ClientHelloResponse())

    # Environments.

    async def EnvironmentGetOrCreate(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        name = request.deployment_name or states.DEFAULT_ENVIRONMENT
        if name not in self.state.environments:
            if request.object_creation_type != api_pb2.OBJECT_CREATION_TYPE_CREATE_IF_MISSING:
                raise GRPCError(Status.NOT_FOUND, f"Environment '{name}' not found")
            self.state.add_environment(name, name)
        settings = api_pb2.EnvironmentSettings(
            image_builder_version="2025.06", webhook_suffix=self.state.environments[name]
        )
        await stream.send_message(
            api_pb2.EnvironmentGetOrCreateResponse(
                environment_id=self.state.environment_ids[name],
                metadata=api_pb2.EnvironmentMetadata(name=name, settings=settings),
            )
        )

    async def EnvironmentList(self, stream: Stream[Any, Any]) -> None:
        await stream.recv_message()
        self.user(stream)
        items = [
            api_pb2.EnvironmentListItem(
                name=name,
                webhook_suffix=suffix,
                environment_id=self.state.environment_ids[name],
                default=name == states.DEFAULT_ENVIRONMENT,
            )
            for name, suffix in self.state.environments.items()
        ]
        await stream.send_message(api_pb2.EnvironmentListResponse(items=items))

    async def EnvironmentCreate(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        if request.name in self.state.environments:
            raise GRPCError(Status.ALREADY_EXISTS, f"Environment '{request.name}' already exists")
        self.state.add_environment(request.name, request.name)
        self.save()
        await stream.send_message(empty_pb2.Empty())

    async def EnvironmentUpdate(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        name = self.environment(request.current_name)
        if request.HasField("web_suffix"):
            self.state.environments[name] = request.web_suffix.value
        self.save()
        await stream.send_message(api_pb2.EnvironmentListItem(name=name))

    async def EnvironmentDelete(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        name = self.environment(request.name)
        if name == states.DEFAULT_ENVIRONMENT:
            raise GRPCError(Status.FAILED_PRECONDITION, "The default environment cannot be deleted")
        del self.state.environments[name]
        del self.state.environment_ids[name]
        self.state.secrets.pop(name, None)
        self.state.volumes.pop(name, None)
        self.state.labels.pop(name, None)
        for app_id in [a for a, app in self.state.apps.items() if app.environment == name]:
            del self.state.apps[app_id]
        self.save()
        await stream.send_message(empty_pb2.Empty())

    # Secrets and volumes.

    async def SecretGetOrCreate(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        env = self.environment(request.environment_name)
        secrets = self.state.secrets.setdefault(env, {})
        name, kind = request.deployment_name, request.object_creation_type
        overwrite = (
            api_pb2.OBJECT_CREATION_TYPE_CREATE_FAIL_IF_EXISTS,
            api_pb2.OBJECT_CREATION_TYPE_CREATE_OVERWRITE_IF_EXISTS,
        )
        if not name:  # an anonymous secret made from a dict: owned by the app
            secret = Named(self.state.new_id("st"), now(), sorted(request.env_dict))
        elif name in secrets and kind == api_pb2.OBJECT_CREATION_TYPE_CREATE_FAIL_IF_EXISTS:
            raise GRPCError(Status.ALREADY_EXISTS, f"Secret '{name}' already exists")
        elif kind in overwrite or (
            name not in secrets and kind == api_pb2.OBJECT_CREATION_TYPE_CREATE_IF_MISSING
        ):
            secret = self.state.add_secret(env, name, list(request.env_dict))
            self.save()
        elif name in secrets:
            secret = secrets[name]
        else:
            raise GRPCError(Status.NOT_FOUND, f"Secret '{name}' not found in environment '{env}'")
        missing = [key for key in request.required_keys if key not in secret.keys]
        if missing:
            raise GRPCError(Status.NOT_FOUND, f"Secret '{name}' has no key {missing[0]!r}")
        metadata = api_pb2.SecretMetadata(name=name, keys=secret.keys, environment_name=env)
        await stream.send_message(
            api_pb2.SecretGetOrCreateResponse(secret_id=secret.object_id, metadata=metadata)
        )

    async def SecretList(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        env = self.environment(request.environment_name)
        items = [
            api_pb2.SecretListItem(
                label=name,
                created_at=secret.created_at,
                environment_name=env,
                secret_id=secret.object_id,
                metadata=api_pb2.SecretMetadata(name=name, keys=secret.keys, environment_name=env),
            )
            for name, secret in self.state.secrets.get(env, {}).items()
        ]
        await stream.send_message(api_pb2.SecretListResponse(items=items, environment_name=env))

    async def SecretDelete(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        self._delete(self.state.secrets, request.secret_id, "Secret")
        await stream.send_message(empty_pb2.Empty())

    async def VolumeDelete(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        self._delete(self.state.volumes, request.volume_id, "Volume")
        await stream.send_message(empty_pb2.Empty())

    def _delete(self, named: dict[str, dict[str, Named]], object_id: str, kind: str) -> None:
        for objects in named.values():
            for name, found in list(objects.items()):
                if found.object_id == object_id:
                    del objects[name]
                    self.save()
                    return
        raise GRPCError(Status.NOT_FOUND, f"{kind} {object_id} not found")

    async def VolumeGetOrCreate(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        env = self.environment(request.environment_name)
        volumes = self.state.volumes.setdefault(env, {})
        name = request.deployment_name
        if name not in volumes:
            if request.object_creation_type not in (
                api_pb2.OBJECT_CREATION_TYPE_CREATE_IF_MISSING,
                api_pb2.OBJECT_CREATION_TYPE_CREATE_FAIL_IF_EXISTS,
            ):
                raise GRPCError(
                    Status.NOT_FOUND, f"Volume '{name}' not found in environment '{env}'"
                )
            self.state.add_volume(env, name)
            self.save()
        volume = volumes[name]
        await stream.send_message(
            api_pb2.VolumeGetOrCreateResponse(
                volume_id=volume.object_id,
                version=request.version or api_pb2.VOLUME_FS_VERSION_V2,
                metadata=api_pb2.VolumeMetadata(name=name, version=api_pb2.VOLUME_FS_VERSION_V2),
            )
        )

    async def VolumeList(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        env = self.environment(request.environment_name)
        items = [
            api_pb2.VolumeListItem(
                label=name,
                volume_id=volume.object_id,
                created_at=volume.created_at,
                metadata=api_pb2.VolumeMetadata(name=name, version=api_pb2.VOLUME_FS_VERSION_V2),
            )
            for name, volume in self.state.volumes.get(env, {}).items()
        ]
        await stream.send_message(api_pb2.VolumeListResponse(items=items, environment_name=env))

    async def VolumeHeartbeat(self, stream: Stream[Any, Any]) -> None:
        await stream.recv_message()
        await stream.send_message(empty_pb2.Empty())

    # Apps: creating, looking up, keeping alive.

    async def AppGetByDeploymentName(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        env = self.environment(request.environment_name)
        app = self.state.app_named(env, request.name)
        lifecycle = api_pb2.AppLifecycle()
        if app is not None:
            lifecycle = api_pb2.AppLifecycle(app_state=STATES[app.state])
        await stream.send_message(
            api_pb2.AppGetByDeploymentNameResponse(
                app_id=app.app_id if app is not None else "",
                environment_name=env,
                lifecycle=lifecycle,
            )
        )

    async def AppCreate(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        env = self.environment(request.environment_name)
        app_id = self.state.new_id("ap")
        self.state.apps[app_id] = App(app_id, request.description, env, now())
        self.save()
        await stream.send_message(
            api_pb2.AppCreateResponse(
                app_id=app_id,
                app_page_url=f"https://modal.com/apps/{self.state.workspace}/{env}/{app_id}",
            )
        )

    async def AppGetLayout(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        app = self.app(request.app_id)
        live = app.version(app.live)
        layout = live.layout if live is not None else {"functions": {}, "classes": {}}
        await stream.send_message(
            api_pb2.AppGetLayoutResponse(
                app_layout=api_pb2.AppLayout(
                    function_ids=layout["functions"], class_ids=layout["classes"]
                )
            )
        )

    async def AppHeartbeat(self, stream: Stream[Any, Any]) -> None:
        await stream.recv_message()
        await stream.send_message(empty_pb2.Empty())

    async def AppClientDisconnect(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        app = self.state.apps.get(request.app_id)
        if app is not None and not app.versions:  # a first deploy that failed: nothing remains
            del self.state.apps[app.app_id]
            self.save()
        await stream.send_message(empty_pb2.Empty())

    # What a deploy creates: images, mounts, functions, classes.

    async def ImageGetOrCreate(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        image_id = self._object("im", request.image)
        failing = next(filter(_fails_anywhere, request.image.dockerfile_commands), None)
        if failing is None:
            result = api_pb2.GenericResult(status=api_pb2.GenericResult.GENERIC_STATUS_SUCCESS)
        else:
            result = api_pb2.GenericResult(
                status=api_pb2.GenericResult.GENERIC_STATUS_FAILURE,
                exception=f"{failing}: the command returned a non-zero code",
            )
        await stream.send_message(
            api_pb2.ImageGetOrCreateResponse(
                image_id=image_id,
                result=result,
                metadata=api_pb2.ImageMetadata(image_builder_version=request.builder_version),
            )
        )

    async def ImageJoinStreaming(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        await stream.send_message(
            api_pb2.ImageJoinStreamingResponse(
                result=api_pb2.GenericResult(status=api_pb2.GenericResult.GENERIC_STATUS_SUCCESS),
                metadata=api_pb2.ImageMetadata(image_builder_version="2025.06"),
                eof=True,
            )
        )
        del request

    async def MountGetOrCreate(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        files = api_pb2.MountGetOrCreateRequest(
            files=sorted(request.files, key=lambda f: f.filename)
        )
        mount_id = self._object("mo", files)
        checksum = hashlib.sha256(files.SerializeToString(deterministic=True)).hexdigest()
        await stream.send_message(
            api_pb2.MountGetOrCreateResponse(
                mount_id=mount_id,
                handle_metadata=api_pb2.MountHandleMetadata(content_checksum_sha256_hex=checksum),
            )
        )

    async def MountBatchedCheckExistence(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        known = self.state.files
        missing = [sha for sha in request.sha256_hex_hashes if sha not in known]
        await stream.send_message(
            api_pb2.MountBatchedCheckExistenceResponse(missing_sha256_hex_hashes=missing)
        )

    async def MountPutFile(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        # The bytes are not kept (nothing runs), only that they were sent.
        exists = request.sha256_hex in self.state.files
        if request.WhichOneof("data_oneof") is not None:
            self.state.files.add(request.sha256_hex)
            self.save()
            exists = True
        await stream.send_message(api_pb2.MountPutFileResponse(exists=exists))

    async def FunctionPrecreate(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        function_id = request.existing_function_id or self.state.new_id("fu")
        await stream.send_message(
            api_pb2.FunctionPrecreateResponse(
                function_id=function_id,
                handle_metadata=api_pb2.FunctionHandleMetadata(
                    function_name=request.function_name,
                    function_type=request.function_type,
                    app_id=request.app_id,
                ),
            )
        )

    async def FunctionCreate(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        app = self.app(request.app_id)
        self._check_gpus(request)
        # The client sends a Function, or FunctionData when the GPU has fallbacks; it reads back
        # both: FunctionData for what the function is, Function for what the CLI prints.
        if request.function_data.ranked_functions:
            data = api_pb2.FunctionData()
            data.CopyFrom(request.function_data)
            urls = self._assign_urls(app, data)
            function = api_pb2.Function()
            function.CopyFrom(data.ranked_functions[0].function)
            function.web_url, function.webhook_config = data.web_url, data.webhook_config
            function.web_url_info.CopyFrom(data.web_url_info)
            for name, method in data.method_definitions.items():
                function.method_definitions[name].CopyFrom(method)
            function.method_definitions_set = data.method_definitions_set
        else:
            function = api_pb2.Function()
            function.CopyFrom(request.function)
            urls = self._assign_urls(app, function)
            data = api_pb2.FunctionData(
                function_name=function.function_name,
                function_type=function.function_type,
                web_url=function.web_url,
                webhook_config=function.webhook_config,
                method_definitions=function.method_definitions,
                method_definitions_set=function.method_definitions_set,
                ranked_functions=[api_pb2.FunctionData.RankedFunction(rank=0, function=function)],
            )
        function_id = request.existing_function_id or self.state.new_id("fu")
        definition_id = "de-" + _digest(_unordered(data))
        self.state.objects[function_id] = {"definition": definition_id, "urls": urls}
        self.save()
        methods = {
            name: api_pb2.FunctionHandleMetadata(
                function_name=method.function_name,
                function_type=method.function_type,
                web_url=method.web_url,
                is_method=True,
                use_method_name=name,
                app_id=app.app_id,
            )
            for name, method in data.method_definitions.items()
        }
        metadata = api_pb2.FunctionHandleMetadata(
            function_name=data.function_name,
            function_type=data.function_type,
            web_url=data.web_url,
            definition_id=definition_id,
            method_handle_metadata=methods,
            app_id=app.app_id,
        )
        await stream.send_message(
            api_pb2.FunctionCreateResponse(
                function_id=function_id,
                handle_metadata=metadata,
                function=function,
                function_data=data,
            )
        )

    async def ClassCreate(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        self.app(request.app_id)
        class_id = request.existing_class_id or self.state.new_id("cs")
        await stream.send_message(api_pb2.ClassCreateResponse(class_id=class_id))

    def _object(self, prefix: str, message: Any) -> str:
        """The id of an object made of `message`: the same content, the same id."""
        return f"{prefix}-{_digest(message)}"

    def _check_gpus(self, request: Any) -> None:
        configs = [request.function.resources.gpu_config] + [
            ranked.function.resources.gpu_config
            for ranked in request.function_data.ranked_functions
        ]
        for config in configs:
            problem = config.count and modal_names.gpu_type_problem(config.gpu_type, config.count)
            if problem:
                raise GRPCError(Status.INVALID_ARGUMENT, problem)

    def _assign_urls(self, app: App, definition: Any) -> dict[str, str]:
        """Modal's URLs for the web functions of `definition`, labels taken from other apps
        of the environment marked as stolen."""
        urls = {}
        targets = [(definition.function_name, definition)] if definition.webhook_config.type else []
        targets += [
            (f"{definition.function_name.removesuffix('.*')}.{name}", method)
            for name, method in definition.method_definitions.items()
            if method.webhook_config.type
        ]
        held = self.state.labels.setdefault(app.environment, {})
        for shown, web in targets:
            label = web.webhook_config.requested_suffix or modal_names.default_label(
                app.name, *shown.split(".")
            )
            holder = held.get(label)
            stolen = holder is not None and holder != app.app_id and self._serves(holder)
            held[label] = app.app_id
            suffix = self.state.environments.get(app.environment, "")
            web.web_url = modal_names.web_url(self.state.workspace, suffix, label)
            web.web_url_info.CopyFrom(api_pb2.WebUrlInfo(label_stolen=stolen))
            urls[shown] = web.web_url
        return urls

    def _serves(self, app_id: str) -> bool:
        holder = self.state.apps.get(app_id)
        return holder is not None and holder.state == "deployed"

    # Publishing, listing, history, rollback, stop.

    async def AppPublish(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        user = self.user(stream)
        app = self.app(request.app_id)
        layout = {"functions": dict(request.function_ids), "classes": dict(request.class_ids)}
        definition = _digest_of(
            layout,
            {
                fid: self.state.objects.get(fid, {}).get("definition", "")
                for fid in request.function_ids.values()
            },
        )
        live = app.version(app.live)
        url = self._page(app)
        if live is not None and app.state == "deployed" and live.definition == definition:
            await stream.send_message(api_pb2.AppPublishResponse(url=url, deployed_at=0))
            return
        urls = {
            shown: address
            for fid in request.function_ids.values()
            for shown, address in self.state.objects.get(fid, {}).get("urls", {}).items()
        }
        commit = request.commit_info if request.HasField("commit_info") else None
        version = Version(
            version=len(app.versions) + 1,
            deployed_at=now(),
            client=stream.metadata.get("x-modal-client-version", "") if stream.metadata else "",
            deployed_by=user,
            tag=request.deployment_tag,
            commit=commit.commit_hash if commit and commit.commit_hash else None,
            dirty=bool(commit and commit.dirty),
            layout=layout,
            definition=definition,
            urls=urls,
        )
        self._make_live(app, version)
        await stream.send_message(
            api_pb2.AppPublishResponse(url=url, deployed_at=version.deployed_at)
        )

    def _page(self, app: App) -> str:
        return f"https://modal.com/apps/{self.state.workspace}/{app.environment}/{app.name}"

    def _make_live(self, app: App, version: Version) -> None:
        app.versions.append(version)
        app.live = version.version
        app.state = "deployed"
        app.stopped_at = None
        # An app of the same name deployed earlier in this environment is replaced.
        for other in list(self.state.apps.values()):
            if other is not app and other.name == app.name and other.environment == app.environment:
                del self.state.apps[other.app_id]
        self.save()

    async def AppList(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        env = self.environment(request.environment_name)
        apps = [
            api_pb2.AppListResponse.AppListItem(
                app_id=app.app_id,
                description=app.name,
                state=STATES[app.state],
                created_at=app.created_at,
                stopped_at=app.stopped_at or 0,
                name=app.name,
            )
            for app in self.state.apps.values()
            if app.environment == env and app.versions
        ]
        await stream.send_message(api_pb2.AppListResponse(apps=apps))

    async def AppDeploymentHistory(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        app = self.app(request.app_id)
        histories = [
            api_pb2.AppDeploymentHistory(
                app_id=app.app_id,
                version=version.version,
                client_version=version.client,
                deployed_at=version.deployed_at,
                deployed_by=version.deployed_by,
                tag=version.tag,
                rollback_version=version.rollback_of or 0,
                rollback_allowed=version.version != app.live,
                commit_info=api_pb2.CommitInfo(
                    vcs="git", commit_hash=version.commit, dirty=version.dirty
                )
                if version.commit
                else None,
            )
            for version in reversed(app.versions)
        ]
        await stream.send_message(
            api_pb2.AppDeploymentHistoryResponse(app_deployment_histories=histories)
        )

    async def AppRollback(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        user = self.user(stream)
        app = self.app(request.app_id)
        if app.state != "deployed":
            raise GRPCError(Status.FAILED_PRECONDITION, "App is not deployed")
        # A version number, or -1: the one before the live one.
        number = request.version if request.version > 0 else (app.live or 0) + request.version
        target = app.version(number)
        if target is None:
            raise GRPCError(Status.NOT_FOUND, "Rollback version not found in App history.")
        version = Version(
            version=len(app.versions) + 1,
            deployed_at=now(),
            client=target.client,
            deployed_by=user,
            tag=target.tag,
            commit=target.commit,
            dirty=target.dirty,
            layout=target.layout,
            definition=target.definition,
            urls=target.urls,
            rollback_of=target.version,
        )
        self._make_live(app, version)
        await stream.send_message(
            api_pb2.AppRollbackResponse(url=self._page(app), deployed_at=version.deployed_at)
        )

    async def TaskList(self, stream: Stream[Any, Any]) -> None:
        await stream.recv_message()
        self.user(stream)
        await stream.send_message(api_pb2.TaskListResponse())  # nothing runs: no containers

    async def AppStop(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        self.user(stream)
        app = self.app(request.app_id)
        app.state = "stopped"
        app.stopped_at = now()
        held = self.state.labels.get(app.environment, {})
        for label in [label for label, holder in held.items() if holder == app.app_id]:
            del held[label]
        self.save()
        await stream.send_message(empty_pb2.Empty())


FAILS_ANYWHERE = re.compile(r"RUN (?:false|exit [1-9][0-9]{0,2})")


def _fails_anywhere(command: str) -> bool:
    """A build step that fails in every shell, which the emulator fails without running
    anything (`.run_commands("false")`): the way to test a build error offline."""
    return FAILS_ANYWHERE.fullmatch(command.strip()) is not None


def _unordered(data: Any) -> Any:
    """FunctionData with its functions' mounts in one order: the client sends them in any."""
    copy = api_pb2.FunctionData()
    copy.CopyFrom(data)
    for ranked in copy.ranked_functions:
        mounts = sorted(ranked.function.mount_ids)
        del ranked.function.mount_ids[:]
        ranked.function.mount_ids.extend(mounts)
    return copy


def _digest(message: Any) -> str:
    return hashlib.sha256(message.SerializeToString(deterministic=True)).hexdigest()[:16]


def _digest_of(*parts: Any) -> str:
    import json

    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def servicer(emulator: Emulator) -> api_grpc.ModalClientBase:
    """A grpclib servicer: the emulator's RPCs, and UNIMPLEMENTED, by name, for the rest."""
    handlers: dict[str, Callable[..., Awaitable[None]]] = {}
    for name in api_grpc.ModalClientBase.__abstractmethods__:
        served = getattr(emulator, name, None)
        handlers[name] = served if served is not None else _unimplemented(name)
    servicer_class = type(
        "EmulatorServicer",
        (api_grpc.ModalClientBase,),
        {name: _bound(handler) for name, handler in handlers.items()},
    )
    return servicer_class()


def _bound(handler: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    async def method(self: Any, stream: Stream[Any, Any]) -> None:
        await handler(stream)

    return method


def _unimplemented(name: str) -> Callable[..., Awaitable[None]]:
    async def refuse(stream: Stream[Any, Any]) -> None:
        await stream.recv_message()
        raise GRPCError(Status.UNIMPLEMENTED, f"the fleet emulator does not serve {name}")

    return refuse
