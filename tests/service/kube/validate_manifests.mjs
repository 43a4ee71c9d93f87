// Validates every object of `jamfleet export kubernetes` offline against the
// Kubernetes OpenAPI schemas of the npm package kubernetes-models, and checks what
// the schemas cannot: the room and directory pods are pinned, on the host network,
// probed with `jamfleet probe`, and rooms update OnDelete.
// usage: node validate_manifests.mjs DIR            (exit 0 when every object is valid)
//        node validate_manifests.mjs --pod FILE OUT (the StatefulSet's pod as a Pod, for
//                                                    `podman kube play`, which runs Pods
//                                                    but not StatefulSets)
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { ConfigMap, Pod } from "kubernetes-models/v1";
import { StatefulSet } from "kubernetes-models/apps/v1";

const kinds = { ConfigMap, StatefulSet, Pod };

function fail(message) {
  console.error(`validate_manifests: ${message}`);
  process.exit(1);
}

function check(condition, file, what) {
  if (!condition) fail(`${file}: ${what}`);
}

function checkPodSpec(file, spec, component) {
  check(spec.hostNetwork === true, file, "pod is not on the host network");
  check(typeof spec.nodeSelector?.["kubernetes.io/hostname"] === "string", file,
        "pod is not pinned to a node by kubernetes.io/hostname");
  const [container] = spec.containers;
  for (const probe of ["livenessProbe", "readinessProbe"]) {
    const command = container[probe]?.exec?.command ?? [];
    check(command[0] === "/usr/bin/jamfleet" && command[1] === "probe", file,
          `${probe} is not an exec of jamfleet probe`);
  }
  if (component === "room") {
    check(container.readinessProbe.exec.command.includes("--registered"), file,
          "a room's readiness does not ask its directory");
  }
  for (const volume of spec.volumes ?? []) {
    check(!volume.nfs && !volume.cephfs && !volume.glusterfs && !volume.persistentVolumeClaim,
          file, `volume ${volume.name} is not local storage`);
  }
}

if (process.argv[2] === "--pod") {
  const [, , , file, out] = process.argv;
  const set = yaml.load(fs.readFileSync(file, "utf8"));
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: set.metadata.name, ...set.spec.template.metadata },
    spec: set.spec.template.spec,
  };
  new Pod(pod).validate();
  // podman 4.3 refuses port mappings on the host network ("PortMappings can only be used
  // with Bridge or slirp4netns networking"); Kubernetes uses them only to schedule.
  for (const container of pod.spec.containers) delete container.ports;
  fs.writeFileSync(out, yaml.dump(pod));
  process.exit(0);
}

const dir = process.argv[2];
if (!dir) fail("usage: node validate_manifests.mjs DIR");
const files = fs.readdirSync(dir).filter((name) => name.endsWith(".yaml")).sort();
check(files.length > 0, dir, "no manifests");
const counts = {};
for (const name of files) {
  const file = path.join(dir, name);
  for (const object of yaml.loadAll(fs.readFileSync(file, "utf8"))) {
    const Kind = kinds[object.kind];
    check(Kind !== undefined, file, `unexpected kind ${object.kind}`);
    try {
      new Kind(object).validate();
    } catch (error) {
      fail(`${file}: ${object.kind} ${object.metadata?.name}: ${error.message}`);
    }
    const component = object.metadata.labels?.["app.kubernetes.io/component"];
    if (object.kind === "StatefulSet") {
      check(object.spec.replicas === 1, file, "more than one replica");
      if (component === "room") {
        check(object.spec.updateStrategy?.type === "OnDelete", file, "room does not update OnDelete");
      }
      checkPodSpec(file, object.spec.template.spec, component);
    }
    counts[component] = (counts[component] ?? 0) + 1;
    console.log(`valid ${object.kind} ${object.metadata.name} (${name})`);
  }
}
console.log(`validate_manifests: ${JSON.stringify(counts)}`);
