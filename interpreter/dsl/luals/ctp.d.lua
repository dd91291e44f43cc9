---@meta ctp
-- LuaLS (lua-language-server) annotations for the ctp pipeline DSL: completion, hover docs and
-- type checks for `local ctp = require "ctp"` in pipeline scripts. Point your editor at the folder
-- that holds this file (`.luarc.json`: { "workspace.library": ["<prefix>/share/ctp/lua"] }).
-- The full reference is docs/dsl.md. tests/interpreter/luals_annotations_test.cc keeps this file
-- in step with interpreter/dsl/ctp.lua: every public function and every field the DSL accepts is here.

---A value a step can take: text, a number, a boolean, a reference, or text built from them with `..`.
---@alias ctp.Value string|number|boolean|ctp.Ref|ctp.String

---A duration as Argo reads one: seconds (a number, or text of digits such as "90"), or Go duration
---text such as "90s", "5m", "1h30m", "1.5h" (and "2d"). Timeouts are whole seconds; a retry
---backoff may be finer ("1.5s", "500ms").
---@alias ctp.Duration integer|string

---A Kubernetes quantity such as "500m", "2" or "4Gi".
---@alias ctp.Quantity string|number

---What a step output carries.
---@alias ctp.OutputKind "parameter"|"artifact"|"metrics"

---A reference to a value known only when the pipeline runs (`params.x`, `step.outputs.y`,
---`ctp.item`, `ctp.workflow.status`, `ctp.output_path "y"`). Build text with `..`; compare with
---the methods below to make a condition for `when` (Lua's `<`, `<=`, `>`, `>=` on a reference
---are errors, and `==` cannot make a condition).
---@class ctp.Ref
---@operator concat(ctp.Value): ctp.String
local Ref = {}

---The value equals `v`.
---@param v ctp.Value
---@return ctp.Condition
function Ref:eq(v) end

---The value differs from `v`.
---@param v ctp.Value
---@return ctp.Condition
function Ref:ne(v) end

---The value is less than `v`.
---@param v ctp.Value
---@return ctp.Condition
function Ref:lt(v) end

---The value is at most `v`.
---@param v ctp.Value
---@return ctp.Condition
function Ref:le(v) end

---The value is greater than `v`.
---@param v ctp.Value
---@return ctp.Condition
function Ref:gt(v) end

---The value is at least `v`.
---@param v ctp.Value
---@return ctp.Condition
function Ref:ge(v) end

---The value is one of the listed literals.
---@param list (string|number|boolean)[]
---@return ctp.Condition
function Ref:is_in(list) end

---Text with references in it (`"--epochs=" .. params.epochs`); compares like a reference.
---@class ctp.String: ctp.Ref

---A condition for a step's `when`: from `ref:eq(v)` and friends, `ctp.all`, `ctp.any`, `ctp.negate`.
---@class ctp.Condition

---A parameter declaration (from ctp.string, ctp.int, ctp.float, ctp.bool, ctp.list).
---@class ctp.ParamSpec

---The fields of a parameter declaration.
---@class ctp.ParamFields
---@field default? any the value when none is given (-p/--params); no default = required
---@field doc? string what the parameter means

---The table `ctp.params { ... }` returns: one reference per parameter (read-only).
---@class ctp.Params
---@field [string] ctp.Ref

---A Kubernetes secret key for `env`.
---@class ctp.Secret

---The fields of `ctp.secret`.
---@class ctp.SecretFields
---@field name string the secret's name
---@field key string the key in the secret

---A Vault value that argocd-vault-plugin fills in at sync time.
---@class ctp.Vault

---The fields of `ctp.vault`.
---@class ctp.VaultFields
---@field path? string e.g. "secret/data/slack"; default: the pipeline's vault_path
---@field key string the key at the path

---A volume mounted into a step (from `volume:mount`).
---@class ctp.Mount

---The options of `volume:mount`.
---@class ctp.MountOptions
---@field read_only? boolean mount read-only
---@field sub_path? string mount this folder of the volume

---A volume the pipeline's steps can mount.
---@class ctp.Volume
---@field name string
local Volume = {}

---Mounts the volume at `path` (absolute) in a step: `mounts = { data:mount("/mnt/data") }`.
---@param path string
---@param options? ctp.MountOptions
---@return ctp.Mount
function Volume:mount(path, options) end

---The fields of `ctp.volume`: `name` and exactly one of claim, size, secret, empty_dir.
---@class ctp.VolumeFields
---@field name string the volume's name in the pipeline
---@field claim? string an existing PersistentVolumeClaim (e.g. an NFS claim)
---@field size? ctp.Quantity a claim created for the run, of this size
---@field access_modes? ("ReadWriteOnce"|"ReadOnlyMany"|"ReadWriteMany"|"ReadWriteOncePod")[] of a new claim
---@field storage_class? string of a new claim; default: the cluster's
---@field secret? string a Kubernetes secret as files
---@field empty_dir? boolean scratch space for one step

---An output declared with a kind and, optionally, where the container writes it.
---@class ctp.OutputSpec
---@field kind ctp.OutputKind
---@field path? string where the step writes it; default: `ctp.output_path "NAME"`
---@field doc? string what the output holds

---How a failed step is retried.
---@class ctp.Retry
---@field limit integer retries after the first try
---@field backoff? ctp.Duration first delay; default: none
---@field factor? number delay multiplier per retry (default 2)
---@field max_backoff? ctp.Duration longest delay (Argo 4's cap)
---@field max_duration? ctp.Duration how long retrying may go on from the first attempt's start (Argo's maxDuration, KFP's backoffMaxDuration)
---@field policy? "Always"|"OnFailure"|"OnError"|"OnTransientError" what is retried; default: the engine's (Argo: OnFailure; KFP has no policy)

---A node taint a step tolerates.
---@class ctp.Toleration
---@field key? string
---@field operator? "Equal"|"Exists"
---@field value? string
---@field effect? "NoSchedule"|"PreferNoSchedule"|"NoExecute"
---@field seconds? integer tolerationSeconds

---Compute resources of a step.
---@class ctp.Resources
---@field cpu? ctp.Quantity CPU request
---@field memory? ctp.Quantity memory request
---@field cpu_limit? ctp.Quantity
---@field memory_limit? ctp.Quantity
---@field gpu? integer GPUs (a limit of gpu_resource)
---@field gpu_resource? string default "nvidia.com/gpu"
---@field accelerator? string KFP accelerator type, e.g. "NVIDIA_TESLA_T4"

---A loop over items with a parallelism limit.
---@class ctp.Loop
---@field items (string|number|boolean|table)[]|ctp.Ref the items (`ctp.item` in the step)
---@field parallelism? integer at most this many at once (0 = unlimited)

---Fields every kind of step accepts.
---@class ctp.StepFields
---@field name string DNS-1123 label: lowercase letters, digits and '-'
---@field description? string
---@field after? (ctp.Step|string)[] run after these even without a data dependency
---@field when? ctp.Condition run only when it holds
---@field for_each? (string|number|boolean|table)[]|ctp.Ref|ctp.Loop run once per item
---@field retry? ctp.Retry
---@field timeout? ctp.Duration
---@field cache? boolean false turns caching off for this step
---@field resources? ctp.Resources
---@field node_selector? { [string]: string }
---@field tolerations? ctp.Toleration[]
---@field mounts? ctp.Mount[] from volume:mount(...)
---@field env? { [string]: ctp.Value|ctp.Secret|ctp.Vault }
---@field image_pull_policy? "Always"|"IfNotPresent"|"Never"

---The outputs of a step: a name → kind map (`{ model = "artifact" }`), a kind with a path
---(`{ model = { kind = "artifact", path = "/out/model" } }`), or a list of parameter names.
---@alias ctp.Outputs { [string]: ctp.OutputKind|ctp.OutputSpec }|string[]

---The fields of `ctp.container`.
---@class ctp.ContainerFields: ctp.StepFields
---@field image? string default: the pipeline's image
---@field command? ctp.Value[]
---@field args? ctp.Value[]
---@field working_dir? string
---@field outputs? ctp.Outputs written to `ctp.output_path "NAME"` (or the declared path)

---The fields of `ctp.script`: a container step whose interpreter runs `source` (Argo's script
---template); the source's file path follows `command`. Read run-time values through `env`.
---@class ctp.ScriptFields: ctp.StepFields
---@field image? string default: the pipeline's image
---@field command ctp.Value[] the interpreter, e.g. `{ "python3" }` (ctp run uses the host's)
---@field source ctp.Value the program text (valid UTF-8, no NUL bytes)
---@field working_dir? string
---@field outputs? ctp.Outputs written to `ctp.output_path "NAME"` (or the declared path)

---The fields of `ctp.lua`.
---@class ctp.LuaFields: ctp.StepFields
---@field fn fun(inputs: { [string]: string }): table self-contained (a captured local is an error: pass it in `inputs`); returns one field per output
---@field inputs? { [string]: ctp.Value } passed to fn as strings
---@field outputs? ctp.Outputs

---The fields of `ctp.sub_pipeline`.
---@class ctp.SubPipelineFields: ctp.StepFields
---@field pipeline ctp.Pipeline the pipeline used as a step (or as `on_exit`)
---@field params? { [string]: ctp.Value } its parameters (those without defaults are required); as `on_exit` it gets the status as one: `status = ctp.workflow.status`

---The fields of a native step registered by an embedding program (`ctp.steps.NAME`): the step's
---own arguments (`ctp step NAME --help`). The built-in steps have typed fields (ctp.steps.NAME.Args).
---@class ctp.NativeStepFields: ctp.StepFields
---@field [string] ctp.Value

---The fields of a step made from a KFP component (`ctp.load_component`): the component's inputs
---by their Lua names ("Training data" → training_data, or the exact name), and step fields.
---@class ctp.ComponentFields: ctp.StepFields
---@field name? string default: the component's name as a DNS-1123 label
---@field image? string overrides the component's image
---@field working_dir? string
---@field [string] ctp.Value

---A step factory made from a KFP component spec. `options` sets step fields (ctp.StepFields)
---whose names clash with the component's inputs.
---@alias ctp.Component fun(fields: ctp.ComponentFields, options?: table): ctp.Step

---A step: pass it to `ctp.pipeline { steps = {...} }` (a step in no pipeline's steps is a warning);
---its outputs are references (`step.outputs.NAME`; there is no `step.output`). Its fields
---(ctp.StepFields, a native step's arguments) may be assigned after it was created
---(`train.after = { prepare }`), checked as in the declaration; `name`, `outputs` and `fn` may not.
---Reading a field it does not have is an error.
---@class ctp.Step : ctp.StepFields
---@field name string
---@field kind "container"|"lua"|"native"|"pipeline"
---@field outputs { [string]: ctp.Ref }
---@field result ctp.Ref a container or script step's standard output (Argo's `outputs.result`; one final newline dropped, at most the last 256 KiB); not for KFP

-- BEGIN native steps (generated from the step registry: luals_annotations_test.cc)

---The fields of `ctp.steps.deploy`: its arguments (`ctp step deploy --help`).
---@class ctp.steps.deploy.Args: ctp.StepFields
---@field config string|ctp.Ref|ctp.String the deploy config (model-deploy-config.json)
---@field checkpoint string|ctp.Ref|ctp.String the candidate checkpoint folder
---@field value number|ctp.Ref|ctp.String the candidate's metric value
---@field metric? string|ctp.Ref|ctp.String the metric compared (higher is better) (default accuracy)
---@field min_improvement? number|ctp.Ref|ctp.String promote only above deployed + this (default 0)

---The fields of `ctp.steps.echo`: its arguments (`ctp step echo --help`).
---@class ctp.steps.echo.Args: ctp.StepFields
---@field message string|ctp.Ref|ctp.String the text to echo
---@field times? integer|ctp.Ref|ctp.String how many lines to log (default 1)

---The fields of `ctp.steps.evaluate`: its arguments (`ctp step evaluate --help`).
---@class ctp.steps.evaluate.Args: ctp.StepFields
---@field checkpoint string|ctp.Ref|ctp.String checkpoint folder (train's output)
---@field data string|ctp.Ref|ctp.String IDX images file, folder with <split>-images-idx3-ubyte[.gz], or image folder (one sub-folder per class)
---@field split? string|ctp.Ref|ctp.String which split of a folder: IDX file prefix or sub-folder (default t10k)
---@field labels? string|ctp.Ref|ctp.String IDX labels file for an IDX images file
---@field limit? integer|ctp.Ref|ctp.String use only the first N items (0 = all) (default 0)
---@field batch_size? integer|ctp.Ref|ctp.String images per forward pass (default 256)
---@field device? "auto"|"cpu"|"cuda"|ctp.Ref|ctp.String auto (the GPU when one is usable, else the CPU) | cpu | cuda; CPU results are deterministic for a seed (default auto)

---The fields of `ctp.steps.predict`: its arguments (`ctp step predict --help`).
---@class ctp.steps.predict.Args: ctp.StepFields
---@field checkpoint string|ctp.Ref|ctp.String checkpoint folder (train's output)
---@field data string|ctp.Ref|ctp.String IDX images file, folder with <split>-images-idx3-ubyte[.gz], or image folder (one sub-folder per class)
---@field split? string|ctp.Ref|ctp.String which split of a folder: IDX file prefix or sub-folder (default test)
---@field labels? string|ctp.Ref|ctp.String IDX labels file for an IDX images file
---@field limit? integer|ctp.Ref|ctp.String use only the first N items (0 = all) (default 0)
---@field format? "csv"|"json"|ctp.Ref|ctp.String predictions file format (default csv)
---@field batch_size? integer|ctp.Ref|ctp.String images per forward pass (default 256)
---@field slide? string|ctp.Ref|ctp.String a slide whose .ctpshard is data, or a folder of slides whose shards (<stem>.ctpshard) are in the folder data: also write heatmaps
---@field heatmap_class? string|ctp.Ref|ctp.String class whose probability the heatmap shows (default positive, else the last class)
---@field device? "auto"|"cpu"|"cuda"|ctp.Ref|ctp.String auto (the GPU when one is usable, else the CPU) | cpu | cuda; CPU results are deterministic for a seed (default auto)

---The fields of `ctp.steps.tile`: its arguments (`ctp step tile --help`).
---@class ctp.steps.tile.Args: ctp.StepFields
---@field data string|ctp.Ref|ctp.String data root holding slide/<split>/*.svs|ndpi|tiff|... and region-annotation/
---@field splits? string|ctp.Ref|ctp.String sub-folders of slide/ to tile (default train,test)
---@field patch_size? integer|ctp.Ref|ctp.String patch side in pixels of --level (default 256)
---@field stride? integer|ctp.Ref|ctp.String grid step in pixels of --level (0 = patch_size) (default 0)
---@field level? integer|ctp.Ref|ctp.String slide level the patches are read at (default 0)
---@field min_tissue? number|ctp.Ref|ctp.String keep patches whose tissue fraction is >= this (default 0.5)
---@field sampling? "grid"|"random"|ctp.Ref|ctp.String grid, or random (samples_per_region per region) (default grid)
---@field samples_per_region? integer|ctp.Ref|ctp.String random sampling: patches per annotated region (default 16)
---@field seed? integer|ctp.Ref|ctp.String random sampling: seed (with the slide name) (default 0)
---@field keep_unlabelled? boolean|ctp.Ref|ctp.String also keep patches outside every region (default false)
---@field format? "png"|"jpeg"|ctp.Ref|ctp.String patch images (default png)
---@field jpeg_quality? integer|ctp.Ref|ctp.String JPEG quality 1..100 (default 90)
---@field png_compression? integer|ctp.Ref|ctp.String PNG zlib level 0..9 (row filter: Up) (default 1)
---@field images? boolean|ctp.Ref|ctp.String write per-patch image and ground-truth files (false: shard + metadata only) (default true)
---@field decoder? "auto"|"openslide"|ctp.Ref|ctp.String patch pixels: auto (JPEG tiles of Aperio/generic TIFF decoded directly, else OpenSlide) | openslide (default auto)
---@field mask_method? "otsu"|"saturation"|ctp.Ref|ctp.String brightfield tissue channel: otsu (gray) | saturation (default otsu)
---@field background? "auto"|"brightfield"|"fluorescence"|"brightfield-only"|ctp.Ref|ctp.String auto | brightfield | fluorescence | brightfield-only (auto, but fail fluorescence slides) (default auto)
---@field mask_min_side? integer|ctp.Ref|ctp.String tissue mask image: longer side >= this (default 1024)
---@field min_hole_pixels? integer|ctp.Ref|ctp.String mask cleanup: fill smaller holes (0 = off) (default 64)
---@field min_speck_pixels? integer|ctp.Ref|ctp.String mask cleanup: drop smaller specks (0 = off) (default 64)
---@field normalize? "none"|"reinhard"|ctp.Ref|ctp.String none | reinhard (needs reinhard_target) (default none)
---@field reinhard_target? string|ctp.Ref|ctp.String Reinhard target: l_mean,a_mean,b_mean,l_std,a_std,b_std (l-alpha-beta)
---@field threads? integer|ctp.Ref|ctp.String worker threads, one OpenSlide handle each (0 = all cores) (default 0)
---@field fail_on_error? boolean|ctp.Ref|ctp.String fail the step after tiling the others when a slide failed (false: warn only) (default true)
---@field device? "auto"|"cpu"|"cuda"|ctp.Ref|ctp.String where the pixel kernels run: auto (CUDA when a GPU is visible) | cpu | cuda (default auto)

---The fields of `ctp.steps.train`: its arguments (`ctp step train --help`).
---@class ctp.steps.train.Args: ctp.StepFields
---@field data string|ctp.Ref|ctp.String IDX images file, folder with <split>-images-idx3-ubyte[.gz], or image folder (one sub-folder per class)
---@field split? string|ctp.Ref|ctp.String which split of a folder: IDX file prefix or sub-folder (default train)
---@field labels? string|ctp.Ref|ctp.String IDX labels file for an IDX images file
---@field limit? integer|ctp.Ref|ctp.String use only the first N items (0 = all) (default 0)
---@field eval_data? string|ctp.Ref|ctp.String held-out set scored after each epoch (metric eval_accuracy): IDX images file, folder with <split>-images-idx3-ubyte[.gz], or image folder (one sub-folder per class)
---@field eval_split? string|ctp.Ref|ctp.String held-out set scored after each epoch (metric eval_accuracy): which split of a folder: IDX file prefix or sub-folder (default t10k)
---@field eval_labels? string|ctp.Ref|ctp.String held-out set scored after each epoch (metric eval_accuracy): IDX labels file for an IDX images file
---@field eval_limit? integer|ctp.Ref|ctp.String held-out set scored after each epoch (metric eval_accuracy): use only the first N items (0 = all) (default 0)
---@field model? string|ctp.Ref|ctp.String preset (reference_cnn, small_cnn, small_resnet) or a JSON list of layers (default reference_cnn)
---@field class_names? string|ctp.Ref|ctp.String comma-separated class names (default: folder names, or 0..K-1)
---@field warm_start? string|ctp.Ref|ctp.String checkpoint folder to start from (its model, classes and normalisation are kept)
---@field warm_start_optimizer? "keep"|"reset"|ctp.Ref|ctp.String warm start: keep the checkpoint's optimizer state (momentum or Adam moments and step count, from its optimizer.safetensors) or reset it (default reset)
---@field deployed_config? string|ctp.Ref|ctp.String model-deploy-config.json: without warm_start, start from its deployed checkpoint if any
---@field checkpoint_root? string|ctp.Ref|ctp.String folder that receives the new <YYYYMMDD-HHMMSS>/ checkpoint (default model-checkpoint)
---@field epochs? integer|ctp.Ref|ctp.String passes over the training set (default 5)
---@field batch_size? integer|ctp.Ref|ctp.String images per step (the last batch may be smaller) (default 128)
---@field optimizer? "sgd"|"adam"|"adamw"|ctp.Ref|ctp.String the optimizer (default sgd)
---@field learning_rate? number|ctp.Ref|ctp.String base learning rate (default 0.05)
---@field momentum? number|ctp.Ref|ctp.String SGD momentum (default 0.9)
---@field nesterov? boolean|ctp.Ref|ctp.String SGD Nesterov momentum (default false)
---@field weight_decay? number|ctp.Ref|ctp.String L2 weight decay (decoupled for adamw) (default 0)
---@field schedule? "constant"|"step"|"cosine"|ctp.Ref|ctp.String the learning-rate schedule (default constant)
---@field step_epochs? integer|ctp.Ref|ctp.String step schedule: decay every N epochs (default 1)
---@field gamma? number|ctp.Ref|ctp.String step schedule: decay factor (default 0.1)
---@field min_learning_rate? number|ctp.Ref|ctp.String cosine schedule: final learning rate (default 0)
---@field horizontal_flip? boolean|ctp.Ref|ctp.String augment: random left-right flips (default false)
---@field vertical_flip? boolean|ctp.Ref|ctp.String augment: random up-down flips (default false)
---@field rotate90? boolean|ctp.Ref|ctp.String augment: random multiples of 90 degrees (default false)
---@field crop_padding? integer|ctp.Ref|ctp.String augment: random crops after padding by N pixels (default 0)
---@field seed? integer|ctp.Ref|ctp.String initialisation, shuffling and augmentation seed (default 0)
---@field resume_every? string|ctp.Ref|ctp.String when to write a resume checkpoint: a duration (30s, 10m, 1h), "N batches" (and at each epoch's end), "epoch", or "off" (no resume checkpoints, no resuming) (default 10m)
---@field resume_dir? string|ctp.Ref|ctp.String folder of this training's resume checkpoints (default: <checkpoint_root>/.resume-<fingerprint of the configuration, data and start>)
---@field device? "auto"|"cpu"|"cuda"|ctp.Ref|ctp.String auto (the GPU when one is usable, else the CPU) | cpu | cuda; CPU results are deterministic for a seed (default auto)

---The native steps of the registry (C++ steps run by name).
---@class ctp.Steps
---@field deploy fun(fields: ctp.steps.deploy.Args): ctp.Step Promotes a checkpoint in model-deploy-config.json when it beats the deployed one.
---@field echo fun(fields: ctp.steps.echo.Args): ctp.Step Writes its message to the log and to the output 'message'.
---@field evaluate fun(fields: ctp.steps.evaluate.Args): ctp.Step Scores a checkpoint on labelled data: accuracy, per-class P/R/F1, confusion.
---@field predict fun(fields: ctp.steps.predict.Args): ctp.Step Writes class probabilities of a checkpoint for every item of a data set.
---@field tile fun(fields: ctp.steps.tile.Args): ctp.Step Tiles new or changed slides under --data into tissue-filtered, labelled patches (slide-patch/<split>/{image,ground-truth,shard}, preprocess-metadata/), incrementally (preprocess-checkpoint.json).
---@field train fun(fields: ctp.steps.train.Args): ctp.Step Trains a CNN on IDX or image-folder data and writes a checkpoint folder.
---@field [string] fun(fields: ctp.NativeStepFields): ctp.Step
-- END native steps

---When a scheduled pipeline runs (`ctp emit --kind cron|all`).
---@class ctp.Schedule
---@field cron string|string[] cron expressions
---@field timezone? string e.g. "Europe/Berlin"
---@field concurrency? "Allow"|"Forbid"|"Replace" a run due while one runs; default: Argo's (Allow)
---@field keep_succeeded? integer finished runs kept (default 3)
---@field keep_failed? integer failed runs kept (default 1)
---@field starting_deadline? ctp.Duration
---@field suspend? boolean

---The fields of `ctp.pipeline`.
---@class ctp.PipelineFields
---@field name string
---@field description? string
---@field params? ctp.Params from ctp.params { ... }
---@field steps ctp.Step[]
---@field on_exit? ctp.Step the exit handler (sees ctp.workflow.status; a ctp.sub_pipeline gets it as a parameter)
---@field labels? { [string]: string }
---@field annotations? { [string]: string }
---@field service_account? string
---@field image? string default image of container steps
---@field ctp_image? string runs native and Lua steps in a cluster (default "ctp:<version>")
---@field vault_path? string argocd-vault-plugin path (avp.kubernetes.io/path)
---@field volumes? ctp.Volume[] also collected from mounts
---@field schedule? ctp.Schedule
---@field outputs? { [string]: ctp.Value } outputs when used as a sub-pipeline
---@field timeout? ctp.Duration whole-run deadline
---@field parallelism? integer steps at once (0 = unlimited)
---@field retry? ctp.Retry default retry of every step

---A whole pipeline: what a script returns.
---@class ctp.Pipeline
---@field name string

---The run's status and name, as references.
---@class ctp.Workflow
---@field status ctp.Ref the pipeline's status (Succeeded|Failed|Error); exit handler only
---@field name ctp.Ref the run's name

---@class ctp
local ctp = {}

---The version of ctp.
---@type string
ctp.version = ""

---The current loop item (`for_each`), or one field of it: `ctp.item.path`.
---@type ctp.Ref|{ [string]: ctp.Ref }
ctp.item = nil

---The run's status and name.
---@type ctp.Workflow
ctp.workflow = nil

---Native steps by name: `ctp.steps.tile { name = "tile", data = "/mnt/data" }`.
---@type ctp.Steps
ctp.steps = nil

---A string parameter: `ctp.string { default = "train", doc = "..." }`.
---@param fields? ctp.ParamFields
---@return ctp.ParamSpec
function ctp.string(fields) end

---An integer parameter.
---@param fields? ctp.ParamFields
---@return ctp.ParamSpec
function ctp.int(fields) end

---A number parameter.
---@param fields? ctp.ParamFields
---@return ctp.ParamSpec
function ctp.float(fields) end

---A boolean parameter (`-p x=true|false|yes|no|on|off|1|0`).
---@param fields? ctp.ParamFields
---@return ctp.ParamSpec
function ctp.bool(fields) end

---A list parameter (`-p x=a,b,3` or a JSON array).
---@param fields? ctp.ParamFields
---@return ctp.ParamSpec
function ctp.list(fields) end

---Declares the pipeline's parameters; returns a reference per parameter.
---@param specs { [string]: ctp.ParamSpec }
---@return ctp.Params
function ctp.params(specs) end

---The value a parameter has for this load (`-p`/`--params`, else its default), for decisions
---the script makes while it runs.
---@param ref ctp.Ref a parameter (params.NAME)
---@return string|number|boolean|table
function ctp.value(ref) end

---The path where the step writes its own output `name` (in a container's command or args).
---@param name string
---@return ctp.Ref
function ctp.output_path(name) end

---A Kubernetes secret key, for `env`.
---@param fields ctp.SecretFields
---@return ctp.Secret
function ctp.secret(fields) end

---A Vault value filled in by argocd-vault-plugin (`<path:PATH#KEY>`), for `env`.
---@param fields ctp.VaultFields
---@return ctp.Vault
function ctp.vault(fields) end

---A volume: an existing claim, a claim created for the run, a secret as files, or scratch space.
---@param fields ctp.VolumeFields
---@return ctp.Volume
function ctp.volume(fields) end

---A container step.
---@param fields ctp.ContainerFields
---@return ctp.Step
function ctp.container(fields) end

---A script step: the interpreter `command` runs `source` (Argo's script template).
---@param fields ctp.ScriptFields
---@return ctp.Step
function ctp.script(fields) end

---A Lua function step; the function runs in a fresh Lua state (in a cluster: in the ctp image).
---@param fields ctp.LuaFields
---@return ctp.Step
function ctp.lua(fields) end

---Another pipeline used as one step.
---@param fields ctp.SubPipelineFields
---@return ctp.Step
function ctp.sub_pipeline(fields) end

---A step factory from a KFP component spec (v1 component.yaml or v2 IR YAML), read relative to
---the script: `local train = ctp.load_component "components/train/component.yaml"`.
---@param path string
---@return ctp.Component
function ctp.load_component(path) end

---All of the conditions hold.
---@param conditions ctp.Condition[]
---@return ctp.Condition
function ctp.all(conditions) end

---Any of the conditions holds.
---@param conditions ctp.Condition[]
---@return ctp.Condition
function ctp.any(conditions) end

---The condition does not hold.
---@param condition ctp.Condition
---@return ctp.Condition
function ctp.negate(condition) end

---The reference, compared as a number in a condition (e.g. a step output compared with another).
---@param ref ctp.Ref
---@return ctp.Ref
function ctp.as_number(ref) end

---The reference, compared as text in a condition.
---@param ref ctp.Ref
---@return ctp.Ref
function ctp.as_string(ref) end

---The pipeline a script returns: `return ctp.pipeline { name = "...", steps = { ... } }`.
---@param fields ctp.PipelineFields
---@return ctp.Pipeline
function ctp.pipeline(fields) end

return ctp
