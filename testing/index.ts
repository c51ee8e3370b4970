// The `servicemesh/testing` entry point: Pulumi mocks for programs that use servicemesh (see provider/testing).
export * from "../provider/testing";
