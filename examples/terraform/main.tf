# The storefront's AWS resources. plan.json next to this file is its plan, as
# `terraform plan -out=tfplan && terraform show -json tfplan > plan.json` prints it: the built-in
# library reads plans (what will exist after the apply), not the .tf files.

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = {
      cost-center = "cc-4711"
    }
  }
}

variable "vpc_id" {
  type = string
}

# Product images and scripts: private, encrypted, versioned.
resource "aws_s3_bucket" "assets" {
  bucket = "example-storefront-assets"
  tags = {
    owner = "storefront"
  }
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket                  = aws_s3_bucket.assets.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id
  versioning_configuration {
    status = "Enabled"
  }
}

# HTTPS from anywhere: intended for the public load balancer (the built-in library warns).
resource "aws_security_group" "web" {
  name   = "storefront-web"
  vpc_id = var.vpc_id
  tags = {
    owner = "storefront"
  }

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# SSH from anywhere and no owner tag: the gate fails the plan for both.
resource "aws_security_group" "bastion" {
  name   = "storefront-bastion"
  vpc_id = var.vpc_id

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
