// The text of the playbooks `jamfleet export ansible` writes. Built-in modules only
// (ansible.builtin.*), so a Debian `ansible-core` runs them without collections.
#include "orchestrator/ansible_export.h"

namespace jamfleet::orchestrator {

std::string ansible_unit_dropin() {
    return R"(# Written by jamfleet export ansible: this host runs only its part of the fleet.
[Service]
ExecStart=
ExecStart=/usr/bin/jamfleet run /etc/jamfleet/fleet.yaml --host {{ inventory_hostname }}
)";
}

std::string ansible_site_playbook() {
    // The fleet file and the drop-in go in before the package: its postinst starts the
    // service, which then runs this host's part at once. apt's default dpkg options
    // (force-confold) keep our /etc/jamfleet/fleet.yaml over the packaged example.
    return R"(# Written by jamfleet export ansible. Run:
#   ansible-playbook -i inventory.ini site.yml -e jamfleet_deb=/path/to/jamfleet_VERSION_ARCH.deb
# Installs the package, this fleet file and placement, and a unit drop-in running
# `jamfleet run --host NAME`; a changed fleet file reloads the service (SIGHUP: only
# rooms whose settings changed restart, occupied ones once empty).
- name: jamfleet hosts
  hosts: jamfleet
  become: "{{ (ansible_user | default('root')) != 'root' }}"
  gather_facts: false
  tasks:
    - name: configuration directory
      ansible.builtin.file:
        path: /etc/jamfleet
        state: directory
        mode: "0755"
    - name: fleet file and placement
      ansible.builtin.copy:
        src: "files/{{ item }}"
        dest: "/etc/jamfleet/{{ item }}"
        mode: "0644"
      loop: [fleet.yaml, fleet.placement.yaml]
      notify: reload jamfleet
    - name: unit drop-in directory
      ansible.builtin.file:
        path: /etc/systemd/system/jamfleet.service.d
        state: directory
        mode: "0755"
    - name: unit drop-in running this host's part
      ansible.builtin.template:
        src: templates/host.conf.j2
        dest: /etc/systemd/system/jamfleet.service.d/host.conf
        mode: "0644"
      register: dropin
    - name: systemd sees the drop-in
      ansible.builtin.systemd:
        daemon_reload: true
      when: dropin.changed
    - name: package copied to the host
      ansible.builtin.copy:
        src: "{{ jamfleet_deb }}"
        dest: "/var/cache/{{ jamfleet_deb | basename }}"
        mode: "0644"
    - name: package installed
      ansible.builtin.apt:
        deb: "/var/cache/{{ jamfleet_deb | basename }}"
      register: package
    - name: service restarted for a changed drop-in (rooms are adopted, not dropped)
      ansible.builtin.systemd:
        name: jamfleet
        state: restarted
      when: dropin.changed and not package.changed
    - name: service enabled and running
      ansible.builtin.systemd:
        name: jamfleet
        enabled: true
        state: started
    - name: every child of this host running
      ansible.builtin.command: jamfleet status --json --run-dir /run/jamfleet
      register: status
      changed_when: false
      retries: "{{ jamfleet_start_retries }}"
      delay: 1
      until: >-
        status.rc == 0 and
        ((status.stdout | from_json).children | rejectattr('state', 'equalto', 'running')
        | list | length) == 0
  handlers:
    - name: reload jamfleet
      ansible.builtin.systemd:
        name: jamfleet
        state: reloaded
)";
}

std::string ansible_upgrade_playbook() {
    // The package's postinst runs `jamfleet upgrade` (same supervisor PID; empty rooms
    // restart on the new binaries at once, occupied ones wait for their last musician).
    return R"(# Written by jamfleet export ansible. A rolling upgrade, one host at a time:
#   ansible-playbook -i inventory.ini upgrade.yml -e jamfleet_deb=/path/to/new.deb
# Never restarts an occupied room: it waits (up to jamfleet_drain_deadline seconds)
# until each room that still runs the old binary is empty and restarted; rooms still
# occupied at the deadline are reported and keep playing (they move to the new
# version by themselves once empty).
- name: rolling upgrade of jamfleet
  hosts: jamfleet
  serial: 1
  become: "{{ (ansible_user | default('root')) != 'root' }}"
  gather_facts: false
  tasks:
    - name: new package copied to the host
      ansible.builtin.copy:
        src: "{{ jamfleet_deb }}"
        dest: "/var/cache/{{ jamfleet_deb | basename }}"
        mode: "0644"
    - name: new package installed (postinst runs jamfleet upgrade)
      ansible.builtin.apt:
        deb: "/var/cache/{{ jamfleet_deb | basename }}"
    - name: rooms on the old version empty and restarted, up to the deadline
      ansible.builtin.command: jamfleet status --json --run-dir /run/jamfleet
      register: status
      changed_when: false
      failed_when: status.rc != 0
      retries: "{{ (jamfleet_drain_deadline | int) // 2 }}"
      delay: 2
      until: >-
        ((status.stdout | from_json).children
        | rejectattr('state', 'equalto', 'running') | list | length) == 0
      ignore_errors: true
    - name: rooms still occupied at the deadline (not restarted)
      ansible.builtin.set_fact:
        jamfleet_still_occupied: >-
          {{ (status.stdout | from_json).children
          | selectattr('state', 'equalto', 'waiting_to_restart')
          | map(attribute='name') | list }}
    - name: report rooms still occupied at the deadline
      ansible.builtin.debug:
        msg: >-
          jamfleet: still occupied at the deadline, kept on the old version until
          empty: {{ jamfleet_still_occupied | join(', ') }}
      when: jamfleet_still_occupied | length > 0
)";
}

} // namespace jamfleet::orchestrator
