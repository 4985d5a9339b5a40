package harness

// The types below model the part of the Harness v0 pipeline YAML this
// package writes. Field order is the order of the keys in the output.

// document is a pipeline file.
type document struct {
	Pipeline pipeline `yaml:"pipeline"`
}

type pipeline struct {
	Name              string            `yaml:"name"`
	Identifier        string            `yaml:"identifier"`
	ProjectIdentifier string            `yaml:"projectIdentifier"`
	OrgIdentifier     string            `yaml:"orgIdentifier"`
	Description       string            `yaml:"description,omitempty"`
	Tags              map[string]string `yaml:"tags"`
	Variables         []variable        `yaml:"variables,omitempty"`
	Stages            []stageElement    `yaml:"stages"`
}

// variable is a pipeline variable of type String.
type variable struct {
	Name        string `yaml:"name"`
	Type        string `yaml:"type"`
	Description string `yaml:"description,omitempty"`
	Required    bool   `yaml:"required"`
	Value       string `yaml:"value"`
}

type stageElement struct {
	Stage stage `yaml:"stage"`
}

type stage struct {
	Name              string            `yaml:"name"`
	Identifier        string            `yaml:"identifier"`
	Description       string            `yaml:"description,omitempty"`
	Type              string            `yaml:"type"`
	Spec              stageSpec         `yaml:"spec"`
	FailureStrategies []failureStrategy `yaml:"failureStrategies,omitempty"`
}

// stageSpec is the spec of a Deployment or a Custom stage; a Custom stage
// leaves the deployment fields empty.
type stageSpec struct {
	DeploymentType string       `yaml:"deploymentType,omitempty"`
	Service        *service     `yaml:"service,omitempty"`
	Environment    *environment `yaml:"environment,omitempty"`
	Execution      execution    `yaml:"execution"`
}

type service struct {
	ServiceRef string `yaml:"serviceRef"`
}

type environment struct {
	EnvironmentRef            string `yaml:"environmentRef"`
	DeployToAll               bool   `yaml:"deployToAll"`
	InfrastructureDefinitions string `yaml:"infrastructureDefinitions"`
}

type execution struct {
	Steps []executionElement `yaml:"steps"`
}

// executionElement is one entry of a steps list: a step or a step group.
type executionElement struct {
	Step      *step      `yaml:"step,omitempty"`
	StepGroup *stepGroup `yaml:"stepGroup,omitempty"`
}

type stepGroup struct {
	Name           string             `yaml:"name"`
	Identifier     string             `yaml:"identifier"`
	Strategy       *strategy          `yaml:"strategy,omitempty"`
	StepGroupInfra stepGroupInfra     `yaml:"stepGroupInfra"`
	SharedPaths    []string           `yaml:"sharedPaths,omitempty"`
	Steps          []executionElement `yaml:"steps"`
}

type strategy struct {
	Matrix matrixStrategy `yaml:"matrix"`
}

// matrixStrategy is a matrix strategy with one axis, pair, whose values are
// mappings read as <+matrix.pair.KEY>.
type matrixStrategy struct {
	Pair           []map[string]string `yaml:"pair"`
	MaxConcurrency int                 `yaml:"maxConcurrency"`
}

type stepGroupInfra struct {
	Type string          `yaml:"type"`
	Spec kubernetesInfra `yaml:"spec"`
}

type kubernetesInfra struct {
	ConnectorRef string `yaml:"connectorRef"`
	Namespace    string `yaml:"namespace"`
}

type step struct {
	Type        string `yaml:"type"`
	Name        string `yaml:"name"`
	Identifier  string `yaml:"identifier"`
	Description string `yaml:"description,omitempty"`
	Timeout     string `yaml:"timeout,omitempty"`
	// Spec is a *runSpec or a *backgroundSpec, as Type says.
	Spec any `yaml:"spec"`
}

// backgroundSpec is the spec of a Background step.
type backgroundSpec struct {
	ConnectorRef string     `yaml:"connectorRef"`
	Image        string     `yaml:"image"`
	Privileged   bool       `yaml:"privileged"`
	Resources    *resources `yaml:"resources,omitempty"`
}

// runSpec is the spec of a Run step.
type runSpec struct {
	ConnectorRef    string            `yaml:"connectorRef"`
	Image           string            `yaml:"image"`
	Shell           string            `yaml:"shell"`
	Command         string            `yaml:"command"`
	EnvVariables    map[string]string `yaml:"envVariables,omitempty"`
	OutputVariables []outputVariable  `yaml:"outputVariables,omitempty"`
	Resources       *resources        `yaml:"resources,omitempty"`
}

type outputVariable struct {
	Name string `yaml:"name"`
}

type resources struct {
	Limits limits `yaml:"limits"`
}

type limits struct {
	Memory string `yaml:"memory"`
	CPU    string `yaml:"cpu"`
}

type failureStrategy struct {
	OnFailure onFailure `yaml:"onFailure"`
}

type onFailure struct {
	Errors []string      `yaml:"errors"`
	Action failureAction `yaml:"action"`
}

type failureAction struct {
	Type string `yaml:"type"`
}
