CREATE TABLE `auth_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`kind` text NOT NULL,
	`user_id` text NOT NULL,
	`parent_id` text,
	`worker_id` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`expires_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `auth_tokens_hash_unique` ON `auth_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `auth_tokens_user_idx` ON `auth_tokens` (`user_id`);--> statement-breakpoint
CREATE INDEX `auth_tokens_parent_idx` ON `auth_tokens` (`parent_id`);--> statement-breakpoint
CREATE TABLE `bundle_dependencies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`child_uuid` text NOT NULL,
	`child_path` text NOT NULL,
	`parent_uuid` text NOT NULL,
	`parent_path` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `bundle_dependencies_child_idx` ON `bundle_dependencies` (`child_uuid`);--> statement-breakpoint
CREATE INDEX `bundle_dependencies_parent_idx` ON `bundle_dependencies` (`parent_uuid`);--> statement-breakpoint
CREATE TABLE `bundle_uploads` (
	`bundle_uuid` text PRIMARY KEY NOT NULL,
	`r2_key` text NOT NULL,
	`r2_upload_id` text NOT NULL,
	`manifest` text NOT NULL,
	`parts` text DEFAULT '[]' NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `bundles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text NOT NULL,
	`bundle_type` text NOT NULL,
	`command` text,
	`state` text NOT NULL,
	`owner_id` text NOT NULL,
	`frozen` integer,
	`is_anonymous` integer DEFAULT false NOT NULL,
	`is_dir` integer,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`created` integer DEFAULT (unixepoch()) NOT NULL,
	`data_size` integer,
	`failure_message` text,
	`error_traceback` text,
	`staged_status` text,
	`license` text,
	`source_url` text,
	`allow_failed_dependencies` integer DEFAULT false NOT NULL,
	`request_docker_image` text,
	`request_time` integer,
	`request_memory` integer,
	`request_disk` integer,
	`request_cpus` integer,
	`request_gpus` integer,
	`request_queue` text,
	`request_priority` integer,
	`request_network` integer,
	`exclude_patterns` text,
	`exitcode` integer,
	`started` integer,
	`last_updated` integer,
	`time` real,
	`time_user` real,
	`time_system` real,
	`memory` integer,
	`memory_max` integer,
	`remote` text,
	`docker_image` text,
	`run_status` text,
	`metadata` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bundles_uuid_unique` ON `bundles` (`uuid`);--> statement-breakpoint
CREATE INDEX `bundles_name_idx` ON `bundles` (`name`);--> statement-breakpoint
CREATE INDEX `bundles_owner_idx` ON `bundles` (`owner_id`,`id`);--> statement-breakpoint
CREATE INDEX `bundles_state_idx` ON `bundles` (`state`);--> statement-breakpoint
CREATE INDEX `bundles_created_idx` ON `bundles` (`created`);--> statement-breakpoint
CREATE INDEX `bundles_type_idx` ON `bundles` (`bundle_type`);--> statement-breakpoint
CREATE TABLE `group_bundle_permissions` (
	`group_uuid` text NOT NULL,
	`bundle_uuid` text NOT NULL,
	`permission` integer NOT NULL,
	PRIMARY KEY(`bundle_uuid`, `group_uuid`)
);
--> statement-breakpoint
CREATE INDEX `group_bundle_permissions_group_idx` ON `group_bundle_permissions` (`group_uuid`);--> statement-breakpoint
CREATE TABLE `group_worksheet_permissions` (
	`group_uuid` text NOT NULL,
	`worksheet_uuid` text NOT NULL,
	`permission` integer NOT NULL,
	PRIMARY KEY(`worksheet_uuid`, `group_uuid`)
);
--> statement-breakpoint
CREATE INDEX `group_worksheet_permissions_group_idx` ON `group_worksheet_permissions` (`group_uuid`);--> statement-breakpoint
CREATE TABLE `groups` (
	`uuid` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`owner_id` text,
	`user_defined` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_name_unique` ON `groups` (`name`);--> statement-breakpoint
CREATE TABLE `user_groups` (
	`group_uuid` text NOT NULL,
	`user_id` text NOT NULL,
	`is_admin` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`group_uuid`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `user_groups_user_idx` ON `user_groups` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`user_name` text NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`first_name` text,
	`last_name` text,
	`affiliation` text,
	`url` text,
	`is_admin` integer DEFAULT false NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`is_verified` integer DEFAULT true NOT NULL,
	`has_access` integer DEFAULT true NOT NULL,
	`notifications` integer DEFAULT 2 NOT NULL,
	`avatar_id` text,
	`time_quota` integer NOT NULL,
	`time_used` integer DEFAULT 0 NOT NULL,
	`disk_quota` integer NOT NULL,
	`disk_used` integer DEFAULT 0 NOT NULL,
	`parallel_run_quota` integer NOT NULL,
	`date_joined` integer DEFAULT (unixepoch()) NOT NULL,
	`last_login` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_user_name_unique` ON `users` (lower("user_name"));--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (lower("email"));--> statement-breakpoint
CREATE TABLE `worker_runs` (
	`bundle_uuid` text PRIMARY KEY NOT NULL,
	`worker_id` text NOT NULL,
	`assigned_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `worker_runs_worker_idx` ON `worker_runs` (`worker_id`);--> statement-breakpoint
CREATE TABLE `workers` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`name` text NOT NULL,
	`tag` text,
	`tag_exclusive` integer DEFAULT false NOT NULL,
	`group_uuid` text,
	`hostname` text,
	`runtime` text,
	`cpus` integer DEFAULT 0 NOT NULL,
	`gpus` integer DEFAULT 0 NOT NULL,
	`memory_bytes` integer DEFAULT 0 NOT NULL,
	`free_disk_bytes` integer DEFAULT 0 NOT NULL,
	`max_runs` integer,
	`exit_after_num_runs` integer,
	`is_terminating` integer DEFAULT false NOT NULL,
	`connected` integer DEFAULT false NOT NULL,
	`last_checkin` integer,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workers_owner_name_unique` ON `workers` (`owner_id`,`name`);--> statement-breakpoint
CREATE TABLE `worksheet_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`worksheet_uuid` text NOT NULL,
	`type` text NOT NULL,
	`bundle_uuid` text,
	`subworksheet_uuid` text,
	`value` text DEFAULT '' NOT NULL,
	`sort_key` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `worksheet_items_order_idx` ON `worksheet_items` (`worksheet_uuid`,`sort_key`,`id`);--> statement-breakpoint
CREATE INDEX `worksheet_items_bundle_idx` ON `worksheet_items` (`bundle_uuid`);--> statement-breakpoint
CREATE INDEX `worksheet_items_subworksheet_idx` ON `worksheet_items` (`subworksheet_uuid`);--> statement-breakpoint
CREATE TABLE `worksheet_tags` (
	`worksheet_uuid` text NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`worksheet_uuid`, `tag`)
);
--> statement-breakpoint
CREATE INDEX `worksheet_tags_tag_idx` ON `worksheet_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `worksheets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text NOT NULL,
	`name` text NOT NULL,
	`owner_id` text NOT NULL,
	`title` text,
	`frozen` integer,
	`is_anonymous` integer DEFAULT false NOT NULL,
	`date_created` integer DEFAULT (unixepoch()) NOT NULL,
	`date_last_modified` integer DEFAULT (unixepoch()) NOT NULL,
	`version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `worksheets_uuid_unique` ON `worksheets` (`uuid`);--> statement-breakpoint
CREATE UNIQUE INDEX `worksheets_name_unique` ON `worksheets` (`name`);--> statement-breakpoint
CREATE INDEX `worksheets_owner_idx` ON `worksheets` (`owner_id`);--> statement-breakpoint
CREATE INDEX `worksheets_modified_idx` ON `worksheets` (`date_last_modified`);